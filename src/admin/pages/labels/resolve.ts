import { ENUMS, LABELS } from '../../../contract/labels';

/**
 * Finds the French names of an enumeration's values (src/contract/labels.ts ENUMS) for a field as the
 * content manager hands it: the content type when known (`api::mission.mission` and `status`), else
 * the one table whose field name and values match (a component's field, e.g. the equipment lines'
 * `status`, or a form opened inside another one). Nothing when the values have no French names.
 */
type Table = Record<string, string>;
const TABLES = ENUMS as unknown as Record<string, Record<string, Table>>;

const sameValues = (table: Table, values: readonly string[] | undefined) =>
  !values || (values.length === Object.keys(table).length && values.every((v) => v in table));

export const enumTableFor = (uid: string | undefined, path: string, values?: readonly string[]): Table | undefined => {
  const field = path.split('.').pop() ?? path;
  const own = uid ? TABLES[uid]?.[field] : undefined;
  if (own && sameValues(own, values)) return own;
  const candidates = Object.values(TABLES)
    .map((fields) => fields[field])
    .filter((table): table is Table => !!table && sameValues(table, values));
  // several content types may share one wording (payment methods, delivery states): any of them will do
  const first = candidates[0];
  return first && candidates.every((t) => Object.entries(t).every(([k, v]) => first[k] === v)) ? first : undefined;
};

/** The French name of one value, the value itself when none is known. */
export const enumValueLabel = (uid: string | undefined, path: string, value: string, values?: readonly string[]) =>
  enumTableFor(uid, path, values)?.[value] ?? value;

/** Whether a field holds an amount in euros: its French label says « (€) » (LABELS). */
export const isEuroField = (uid: string | undefined, field: string) => !!uid && /\(€\)/.test(LABELS[uid]?.[field] ?? '');

/** Whether an integer field is a year or a number that names something (2027, n° 1042, never « 2 027 »). */
export const isIdentifierField = (field: string) => /(year|number|sequence)$/i.test(field);

/** The content type of the page on display (the list and edit views carry it in their address). */
export const uidInLocation = () => {
  const match = /\/content-manager\/(?:collection-types|single-types)\/([^/?#]+)/.exec(
    typeof window === 'undefined' ? '' : window.location.pathname
  );
  return match ? decodeURIComponent(match[1]) : undefined;
};
