import { ENUMS } from '../../contract/labels';

/** The French names of the values each choice column accepts (besides the values themselves and their synonyms). */
const CHOICE_LABELS: Record<'gender' | 'paymentMethod' | 'donorKind' | 'nature', Record<string, string>> = {
  gender: ENUMS['api::member.member'].gender,
  paymentMethod: ENUMS['api::contribution.contribution'].paymentMethod,
  donorKind: ENUMS['api::donor.donor'].kind,
  nature: ENUMS['api::donation.donation'].nature,
};
import { TARGETS, REQUIRED, type ImportKind, type Target } from './fields';
import type { MappingEntry, Source } from './formats';
import type { Table } from './read';
import type { Values } from '../types';
import {
  cleanText,
  isProblem,
  nameKey,
  parseAmount,
  parseBirthDate,
  parseBoolean,
  parseChoice,
  parseCountry,
  parseDate,
  parseEmail,
  parseInteger,
  Problem,
  simplify,
  splitFullName,
} from './values';

/** An error of the preview: the spreadsheet row, the column's header, the French reason. */
export interface RowError {
  row: number;
  column: string;
  message: string;
}

/** One data row read through the mapping: its values by target key, and what could not be read. */
export interface ReadRow {
  row: number;
  values: Values;
  errors: RowError[];
  /** the header of the column each value came from (for the messages of the later checks) */
  columns: Record<string, string>;
}

/** Text read from a cell: one line (a multi-line address becomes « 12 rue X, Bât. B »), spaces folded. */
const readText = (raw: string) =>
  cleanText(
    raw
      .split(/\r\n|\n|\r/)
      .map((l) => l.trim())
      .filter(Boolean)
      .join(', ')
  ) || null;

/** HelloAsso statuses of an order that was really paid. */
const PAID_ORDER = new Set(['valide', 'validee', 'paye', 'payee', 'autorise', 'autorisee', 'ok', 'processed', 'authorized']);

export const readValue = (target: Target, raw: string, today: string, crosses = false): unknown => {
  switch (target.type) {
    case 'email':
      return parseEmail(raw);
    case 'date':
      return parseDate(raw);
    case 'birthDate':
      return parseBirthDate(raw, today);
    case 'amount':
      return parseAmount(raw);
    case 'integer':
      return parseInteger(raw);
    case 'boolean':
      return parseBoolean(raw, crosses);
    case 'gender':
    case 'paymentMethod':
    case 'donorKind':
    case 'nature':
      return parseChoice(target.type, raw, CHOICE_LABELS[target.type]);
    case 'country':
      return parseCountry(raw);
    case 'orderStatus': {
      const v = simplify(raw);
      if (!v || PAID_ORDER.has(v)) return v || null;
      return new Problem(`commande « ${cleanText(raw)} » : seules les commandes validées sont importées`);
    }
    case 'fullName':
    case 'text':
    default:
      return readText(raw);
  }
};

/** The types whose texts repeat from row to row (read once per distinct text); the value read is a text, a number or a Problem, never changed. */
const REPEATED = new Set<Target['type']>([
  'date',
  'amount',
  'integer',
  'boolean',
  'gender',
  'paymentMethod',
  'donorKind',
  'nature',
  'country',
  'orderStatus',
]);

/** The mapping's columns grouped by target, in column order. */
export const columnsByTarget = (mapping: MappingEntry[]) => {
  const groups = new Map<string, MappingEntry[]>();
  for (const entry of mapping) {
    if (!entry.target) continue;
    groups.set(entry.target, [...(groups.get(entry.target) ?? []), entry]);
  }
  return groups;
};

/**
 * What mapped columns are missing for this kind (« Montant »...): the file cannot be imported
 * until the mapping gives them a column.
 */
export const missingColumns = (kind: ImportKind, mapping: MappingEntry[]) => {
  const mapped = new Set(mapping.map((m) => m.target).filter(Boolean));
  return REQUIRED[kind].filter((r) => !r.anyOf.some((set) => set.every((k) => mapped.has(k)))).map((r) => r.label);
};

/**
 * Reads every row through the mapping: each target takes the first filled column mapped to it (or
 * all of them joined, for an address on two columns), read by its type. Pure: no database.
 * One row at a time, as the plan asks for them: a file of 60,000 rows is never held twice in memory.
 */
/**
 * The data rows of a table as eachRow reads them: a list of rows in memory (a file just read), or the
 * rows of an import's stored table, each read from the stored text when it is asked for (service.ts).
 */
export interface RowList {
  readonly length: number;
  at(index: number): string[] | undefined;
}

export function* eachRow(
  kind: ImportKind,
  table: { rows: RowList; rowNumbers: Table['rowNumbers'] },
  mapping: MappingEntry[],
  source: Source,
  today: string
): Generator<ReadRow> {
  const targets = new Map(TARGETS[kind].map((t) => [t.key, t]));
  const groups = [...columnsByTarget(mapping)].filter(([key]) => targets.has(key));
  // a column of crosses (« X » or empty): an empty cell there means « non »
  const crosses = new Set<number>();
  for (const [key, entries] of groups) {
    if (targets.get(key)!.type !== 'boolean') continue;
    for (const e of entries) {
      for (let index = 0; index < table.rows.length && !crosses.has(e.column); index++)
        if (simplify(table.rows.at(index)![e.column] ?? '') === 'x') crosses.add(e.column);
    }
  }
  const defaults = source.defaults?.[kind] ?? {};
  // the value read of each text of a column whose texts repeat (dates, amounts, choices): read once per
  // text, not once per row (a file of 60,000 contributions has a few hundred dates and amounts)
  const known = new Map<number, Map<string, unknown>>();
  const read = (target: Target, column: number, raw: string) => {
    if (!REPEATED.has(target.type)) return readValue(target, raw, today, crosses.has(column));
    let values = known.get(column);
    if (!values || values.size >= 2000) known.set(column, (values = new Map()));
    if (values.has(raw)) return values.get(raw);
    const value = readValue(target, raw, today, crosses.has(column));
    values.set(raw, value);
    return value;
  };

  for (let index = 0; index < table.rows.length; index++) {
    const cells = table.rows.at(index)!;
    const row = table.rowNumbers[index];
    const values: Values = {};
    const columns: Record<string, string> = {};
    const errors: RowError[] = [];
    for (const [key, entries] of groups) {
      const target = targets.get(key)!;
      // the first filled column's value (all of them, for a target that joins its columns): nothing built for the others
      let header: string | undefined;
      let first: unknown;
      let joined: unknown[] | undefined;
      for (const entry of entries) {
        const raw = cells[entry.column] ?? '';
        const value = read(target, entry.column, raw);
        if (isProblem(value)) errors.push({ row, column: entry.header, message: value.message });
        else if (value === null || value === undefined) continue;
        else if (header === undefined) [header, first] = [entry.header, value];
        else if (target.join) (joined ??= [first]).push(value);
      }
      if (header === undefined) {
        columns[key] = entries[0].header;
        continue;
      }
      columns[key] = header;
      values[key] = joined ? joined.join(', ') : first;
    }
    // Paheko's « Nom & prénom »: split by THE rule (values.ts), unless the names have their own columns
    if (values.fullName) {
      const { lastName, firstName } = splitFullName(values.fullName);
      if (!values.lastName && lastName) [values.lastName, columns.lastName] = [lastName, columns.fullName];
      if (!values.firstName && firstName) [values.firstName, columns.firstName] = [firstName, columns.fullName];
    }
    if (!columns.lastName && columns.fullName) columns.lastName = columns.fullName;
    if (!columns.firstName && columns.fullName) columns.firstName = columns.fullName;
    // HelloAsso: the member is the « adhérent »; the payer's e-mail is theirs only when they paid for themselves
    if (values['payer.email'] && !values.email) {
      const samePerson =
        (!values.lastName || nameKey(values.lastName) === nameKey(values['payer.lastName'])) &&
        (!values.firstName || nameKey(values.firstName) === nameKey(values['payer.firstName']));
      if (samePerson) [values.email, columns.email] = [values['payer.email'], columns['payer.email']];
    }
    for (const [key, value] of Object.entries(defaults)) if (values[key] === undefined) values[key] = value;
    yield { row, values, errors, columns };
  }
}

/** Every row read through the mapping, at once. */
export const readRows = (kind: ImportKind, table: Table, mapping: MappingEntry[], source: Source, today: string): ReadRow[] => [
  ...eachRow(kind, table, mapping, source, today),
];

/** How many filled values of each column the mapping step shows. */
export const SAMPLES = 3;

/** One more row for a column's samples (the rows taken in the file's order); whether the column has its SAMPLES. */
export const addSample = (samples: string[], cells: string[], column: number) => {
  if (samples.length >= SAMPLES) return true;
  const v = cleanText(cells[column] ?? '');
  if (v && !samples.includes(v)) samples.push(v.length > 60 ? `${v.slice(0, 57)}…` : v);
  return samples.length >= SAMPLES;
};

/** A few filled values of each column, shown next to it in the mapping step. */
export const samplesOf = (table: Pick<Table, 'rows'>, column: number) => {
  const samples: string[] = [];
  for (const cells of table.rows) if (addSample(samples, cells, column)) break;
  return samples;
};
