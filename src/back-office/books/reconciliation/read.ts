import { parse } from 'csv-parse/sync';
import { decodeText, detectEncoding, looksBinary } from '../../imports/read';
import { cleanText, isProblem, parseAmount, parseDate, simplify } from '../../imports/values';

/**
 * A bank statement as the bank exports it, read into operations: the CSV files of the French banks
 * (header lines before the table, Débit/Crédit columns or one signed Montant, dd/mm/yyyy, « 1 234,56 »,
 * Windows-1252) and OFX (1.x SGML and 2.x XML). Pure functions: no database here.
 */
export interface StatementOperation {
  /** YYYY-MM-DD: the day the bank booked it */
  date: string;
  label: string;
  /** signed, in integer cents: negative for money going out */
  cents: number;
  /** the bank's own id of the operation (OFX FITID), its cheque or operation number; null when none */
  reference: string | null;
  /** for OFX: the FITID, a stable id per account; null for CSV */
  fitId: string | null;
}

export interface ReadStatement {
  format: 'csv' | 'ofx';
  /** « Crédit Agricole », « OFX »… : what the headers were recognised as */
  layout: string;
  operations: StatementOperation[];
  /** the statement's own balance when the file gives it (OFX LEDGERBAL, CSV « Solde »), in cents */
  closingCents: number | null;
  closingDate: string | null;
  /** OFX: the bank account number the file is about (checked against the account's IBAN) */
  accountNumber: string | null;
}

/** A file that cannot be read as a statement: the French message says why and what to do. */
export class StatementFileError extends Error {}

// ---------------------------------------------------------------------------------------------------
// CSV

type Role = 'date' | 'valueDate' | 'label' | 'detail' | 'debit' | 'credit' | 'amount' | 'reference' | 'balance';

/** The headers of each role, simplified (no accents, case, spaces nor punctuation: « Débit euros » → debiteuros). */
const COLUMNS: Record<Role, string[]> = {
  date: [
    'date',
    'dateoperation',
    'datedeloperation',
    'datedelaoperation',
    'dateoperationutc',
    'datedeloperationutc',
    'datedecomptabilisation',
    'datecomptable',
    'datedelatransaction',
    'datetransaction',
  ],
  valueDate: ['datedevaleur', 'datevaleur', 'datedelavaleurutc', 'datedevaleurutc'],
  label: [
    'libelle',
    'libelleoperation',
    'libelledeloperation',
    'libellecourt',
    'libellesimplifie',
    'libelles',
    'intitule',
    'contrepartie',
    'nomdelacontrepartie',
    'description',
  ],
  detail: ['detail', 'detaildelecriture', 'libelleoperationdetaille', 'informationscomplementaires', 'reference2', 'note'],
  debit: ['debit', 'debiteuros', 'debiteur', 'montantdebit', 'debits', 'sortie', 'sorties'],
  credit: ['credit', 'crediteuros', 'crediteur', 'montantcredit', 'credits', 'entree', 'entrees'],
  amount: [
    'montant',
    'montanteuros',
    'montanteur',
    'montantdeloperation',
    'montantoperation',
    'montanttotalttc',
    'montantttc',
    'montanttotal',
  ],
  reference: [
    'reference',
    'numerodoperation',
    'numerooperation',
    'nodoperation',
    'iddelatransaction',
    'idtransaction',
    'numerodecheque',
    'nodecheque',
    'referencedelaoperation',
  ],
  balance: ['solde', 'soldeeuros', 'soldeeur'],
};

const roleOf = (header: string): Role | null => {
  const key = simplify(header);
  if (!key) return null;
  for (const role of Object.keys(COLUMNS) as Role[]) if (COLUMNS[role].includes(key)) return role;
  return null;
};

/** The layouts the headers are recognised as (the first whose test passes), for the treasurer to see which was read. */
const LAYOUTS: Array<{ name: string; test: (keys: string[]) => boolean }> = [
  { name: 'La Banque Postale', test: (k) => k.includes('montanteuros') && k.includes('montantfrancs') },
  { name: 'La Banque Postale', test: (k) => k.includes('montanteuros') },
  { name: 'Crédit Agricole', test: (k) => k.includes('debiteuros') || k.includes('crediteuros') },
  { name: 'Société Générale', test: (k) => k.includes('detaildelecriture') || k.includes('montantdeloperation') },
  { name: 'Crédit Mutuel / CIC', test: (k) => k.includes('datedevaleur') && k.includes('solde') && k.includes('debit') },
  { name: 'Caisse d\u2019Épargne / Banque Populaire', test: (k) => k.includes('numerodoperation') || k.includes('libellesimplifie') },
  { name: 'BNP Paribas', test: (k) => k.includes('montantoperation') || k.includes('libelleoperation') },
  { name: 'Qonto / Shine', test: (k) => k.includes('montanttotalttc') || k.includes('iddelatransaction') || k.includes('contrepartie') },
];

export const EXPECTED_COLUMNS =
  '« Date », « Libellé » et soit « Débit » et « Crédit », soit un « Montant » signé (négatif pour une dépense)';

interface Columns {
  date: number;
  label: number[];
  debit: number | null;
  credit: number | null;
  amount: number | null;
  reference: number | null;
  balance: number | null;
}

/** The columns of a header row, when it is a statement's header (a date, a label, amounts); else null. */
const columnsOf = (cells: string[]): Columns | null => {
  const first = (role: Role) => {
    const i = cells.findIndex((c) => roleOf(c) === role);
    return i < 0 ? null : i;
  };
  const date = first('date') ?? first('valueDate');
  const labels = cells.map((c, i) => (roleOf(c) === 'label' ? i : -1)).filter((i) => i >= 0);
  const detail = first('detail');
  if (detail !== null) labels.push(detail);
  const debit = first('debit');
  const credit = first('credit');
  const amount = first('amount');
  if (date === null || !labels.length || (amount === null && (debit === null || credit === null))) return null;
  return { date, label: labels, debit, credit, amount, reference: first('reference'), balance: first('balance') };
};

const SEPARATORS = [';', ',', '\t'];

/** Splits one line of the header area (quotes respected). */
const splitLine = (line: string, separator: string) => {
  try {
    const [cells] = parse(line, { delimiter: separator, relax_quotes: true, relax_column_count: true }) as string[][];
    return (cells ?? []).map((c) => cleanText(c));
  } catch {
    return line.split(separator).map((c) => cleanText(c.replace(/^"|"$/g, '')));
  }
};

const DATE_IN_TEXT = /\b(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})\b/g;
/** An amount written in a text (« Solde au 30/11/2026 : +1 234,56 € »): the last one. */
const AMOUNT_IN_TEXT = /[-+]?\d{1,3}(?:[ \u00a0\u202f.]\d{3})*(?:,\d{1,2})?(?![\d/])|[-+]?\d+(?:[.,]\d{1,2})?(?![\d/])/g;

/** The balance the header lines give (« Solde au 30/11/2026 1 234,56 € », « Solde (EUROS) ;1234,56 »), with its date if they say it. */
const balanceInHeader = (lines: string[]) => {
  let cents: number | null = null;
  let date: string | null = null;
  let endDate: string | null = null;
  for (const line of lines) {
    const text = cleanText(line.replace(/[;"\t]/g, ' '));
    const key = simplify(text);
    const dates = [...text.matchAll(DATE_IN_TEXT)].map((m) => parseDate(m[1])).filter((d): d is string => typeof d === 'string');
    // « Date de fin de téléchargement : 30/11/2026 », « Date ;30/11/2026 », « … entre le 01/11/2026 et le 30/11/2026 »
    if (dates.length && !key.startsWith('solde')) endDate = dates[dates.length - 1];
    if (!/solde/.test(key) || /initial|debut|ouverture|precedent|anterieur|francs/.test(key)) continue;
    const withoutDates = text.replace(DATE_IN_TEXT, ' ');
    const amounts = [...withoutDates.matchAll(AMOUNT_IN_TEXT)]
      .map((m) => parseAmount(m[0]))
      .filter((a): a is number => typeof a === 'number');
    if (!amounts.length) continue;
    cents = amounts[amounts.length - 1];
    // a « Solde … débiteur » is money owed to the bank
    if (/debiteur/.test(key) && cents > 0) cents = -cents;
    date = dates[0] ?? null;
  }
  return { cents, date: cents === null ? null : (date ?? endDate) };
};

const readCell = (row: string[], index: number | null) => (index === null ? '' : cleanText(row[index] ?? ''));

/** The French error for a cell of the table (row numbers as the file shows them). */
const cellError = (line: number, column: string, message: string) => new StatementFileError(`ligne ${line}, ${column} : ${message}.`);

export const readCsvStatement = (text: string): ReadStatement => {
  const lines = text.split(/\r\n|\n|\r/);
  let headerAt = -1;
  let separator = ';';
  let columns: Columns | null = null;
  for (let i = 0; i < Math.min(lines.length, 60) && headerAt < 0; i++) {
    if (!lines[i].trim()) continue;
    for (const sep of SEPARATORS) {
      if (!lines[i].includes(sep)) continue;
      const found = columnsOf(splitLine(lines[i], sep));
      if (found) [headerAt, separator, columns] = [i, sep, found];
      if (found) break;
    }
  }
  if (headerAt < 0 || !columns) {
    throw new StatementFileError(
      `format de relevé non reconnu : aucune ligne d\u2019en-tête avec les colonnes ${EXPECTED_COLUMNS}. ` +
        'Téléchargez le relevé de votre banque au format CSV (ou OFX) sans le modifier.'
    );
  }
  const headers = splitLine(lines[headerAt], separator);
  const keys = headers.map(simplify);
  const layout = LAYOUTS.find((l) => l.test(keys))?.name ?? 'Générique (Date, Libellé, Débit/Crédit ou Montant)';
  const header = balanceInHeader(lines.slice(0, headerAt));
  let records: string[][];
  try {
    records = parse(lines.slice(headerAt + 1).join('\n'), {
      delimiter: separator,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: false,
    });
  } catch (e) {
    const where = (e as { lines?: number }).lines;
    throw new StatementFileError(`le fichier CSV est illisible${where ? ` vers la ligne ${headerAt + 1 + where}` : ''}.`);
  }
  const c = columns;
  const operations: StatementOperation[] = [];
  const balances: Array<{ date: string; cents: number }> = [];
  let lineNumber = headerAt + 1;
  for (const row of records) {
    lineNumber += 1 + row.reduce((n, cell) => n + (cell.match(/\r\n|\n|\r/g)?.length ?? 0), 0);
    if (row.every((cell) => !cell.trim())) continue;
    const rawDate = readCell(row, c.date);
    const date = parseDate(rawDate);
    const label = c.label
      .map((i) => readCell(row, i))
      .filter(
        (part, i, all) => part && all.indexOf(part) === i && !all.some((other, j) => j !== i && other !== part && other.includes(part))
      )
      .join(' ');
    const amountOf = (index: number | null, name: string) => {
      const raw = readCell(row, index);
      const value = parseAmount(raw);
      if (isProblem(value)) throw cellError(lineNumber, name, value.message);
      return value;
    };
    if (typeof date !== 'string') {
      // a detail line below its operation (no date, no amount): part of its label
      const hasAmount = [c.amount, c.debit, c.credit].some((i) => readCell(row, i) !== '');
      if (!rawDate && !hasAmount && label && operations.length) {
        const last = operations[operations.length - 1];
        last.label = `${last.label} ${label}`.slice(0, 500);
        continue;
      }
      // totals and notes under the table (« Total des opérations », « Solde au … »)
      if (!isProblem(date) || !/^\d/.test(rawDate)) continue;
      throw cellError(lineNumber, headers[c.date] || 'Date', date.message);
    }
    let cents: number;
    if (c.amount !== null) {
      cents = amountOf(c.amount, headers[c.amount] || 'Montant') ?? 0;
    } else {
      const debit = amountOf(c.debit, headers[c.debit!] || 'Débit');
      const credit = amountOf(c.credit, headers[c.credit!] || 'Crédit');
      // some banks write their debits negative (Crédit Mutuel), others positive: a debit always takes money out
      cents = (credit === null ? 0 : Math.abs(credit)) - (debit === null ? 0 : Math.abs(debit));
    }
    if (c.balance !== null) {
      const balance = parseAmount(readCell(row, c.balance));
      if (typeof balance === 'number') balances.push({ date, cents: balance });
    }
    if (cents === 0) continue;
    const reference = readCell(row, c.reference) || null;
    operations.push({ date, label: (label || '(sans libellé)').slice(0, 500), cents, reference, fitId: null });
  }
  let closingCents = header.cents;
  let closingDate = header.date;
  if (closingCents === null && balances.length) {
    // a running balance column (Crédit Mutuel): the balance after the latest operation, whichever way the file is sorted
    const descending = balances.length > 1 && balances[0].date > balances[balances.length - 1].date;
    const last = descending ? balances[0] : balances[balances.length - 1];
    [closingCents, closingDate] = [last.cents, last.date];
  }
  if (closingCents !== null && !closingDate && operations.length) closingDate = operations.map((o) => o.date).sort()[operations.length - 1];
  return { format: 'csv', layout, operations, closingCents, closingDate, accountNumber: null };
};

// ---------------------------------------------------------------------------------------------------
// OFX

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const unescape = (text: string) =>
  text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, name: string) => {
    if (name[0] === '#')
      return String.fromCodePoint(name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1)));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });

/** The leaf elements of an OFX aggregate: SGML leaves are not closed (`<TRNAMT>-12.50`), XML ones are; both read the same. */
const leaves = (block: string) => {
  const values = new Map<string, string>();
  for (const m of block.matchAll(/<([A-Z0-9.]+)>([^<]*)/gi)) {
    const name = m[1].toUpperCase();
    const value = unescape(m[2]).trim();
    if (value && !values.has(name)) values.set(name, value);
  }
  return values;
};

/** The aggregates `<NAME>…</NAME>` of a text (aggregates are closed in SGML too). */
const aggregates = (text: string, name: string) => [...text.matchAll(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, 'gi'))].map((m) => m[1]);

/** An OFX date (YYYYMMDD[HHMMSS[.XXX]][[-5:EST]]) as YYYY-MM-DD: the calendar day the bank wrote. */
const ofxDate = (raw: string | undefined) => {
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(raw ?? '');
  if (!m) return null;
  const day = parseDate(`${m[1]}-${m[2]}-${m[3]}`);
  return typeof day === 'string' ? day : null;
};

export const isOfx = (text: string) => /^\s*(OFXHEADER\s*:|<\?xml[^>]*>\s*<\?OFX|<OFX>)/i.test(text) || /<OFX>/i.test(text.slice(0, 4096));

export const readOfxStatement = (text: string): ReadStatement => {
  const statements = [...aggregates(text, 'STMTRS'), ...aggregates(text, 'CCSTMTRS')];
  if (!statements.length) throw new StatementFileError('ce fichier OFX ne contient aucun relevé de compte (élément STMTRS absent).');
  if (statements.length > 1) {
    throw new StatementFileError(
      `ce fichier OFX contient les relevés de ${statements.length} comptes : téléchargez un fichier par compte et importez-le sur son compte.`
    );
  }
  const [statement] = statements;
  const account = leaves(aggregates(statement, 'BANKACCTFROM')[0] ?? aggregates(statement, 'CCACCTFROM')[0] ?? '');
  const currency = leaves(statement).get('CURDEF');
  if (currency && currency.toUpperCase() !== 'EUR') {
    throw new StatementFileError(`ce relevé est en ${currency} : seuls les comptes en euros sont rapprochés.`);
  }
  const operations: StatementOperation[] = [];
  for (const [i, block] of aggregates(statement, 'STMTTRN').entries()) {
    const v = leaves(block);
    const date = ofxDate(v.get('DTPOSTED')) ?? ofxDate(v.get('DTUSER'));
    const where = `opération n° ${i + 1}${v.get('FITID') ? ` (FITID ${v.get('FITID')})` : ''}`;
    if (!date) throw new StatementFileError(`${where} : date DTPOSTED « ${v.get('DTPOSTED') ?? ''} » illisible.`);
    const cents = parseAmount(v.get('TRNAMT') ?? '');
    if (typeof cents !== 'number') throw new StatementFileError(`${where} : montant TRNAMT « ${v.get('TRNAMT') ?? ''} » illisible.`);
    if (cents === 0) continue;
    const name = cleanText(v.get('NAME') ?? v.get('PAYEE') ?? '');
    const memo = cleanText(v.get('MEMO') ?? '');
    let label = [name, memo].filter((p, j, all) => p && !(j === 1 && all[0].includes(p)) && !(j === 0 && memo.includes(p))).join(' ');
    const cheque = v.get('CHECKNUM') ?? null;
    if (cheque && !label.includes(cheque)) label = `${label} CHQ ${cheque}`.trim();
    operations.push({
      date,
      label: (label || v.get('TRNTYPE') || '(sans libellé)').slice(0, 500),
      cents,
      reference: cheque ?? v.get('REFNUM') ?? v.get('FITID') ?? null,
      fitId: v.get('FITID') ?? null,
    });
  }
  const ledger = leaves(aggregates(statement, 'LEDGERBAL')[0] ?? '');
  const balance = ledger.get('BALAMT') ? parseAmount(ledger.get('BALAMT')!) : null;
  return {
    format: 'ofx',
    layout: /<\?xml/i.test(text.slice(0, 200)) ? 'OFX 2 (XML)' : 'OFX 1 (SGML)',
    operations,
    closingCents: typeof balance === 'number' ? balance : null,
    closingDate: typeof balance === 'number' ? ofxDate(ledger.get('DTASOF')) : null,
    accountNumber: account.get('ACCTID') ?? null,
  };
};

// ---------------------------------------------------------------------------------------------------

/**
 * Reads an uploaded statement whatever its name says: OFX when its text says so, else a bank's CSV.
 * Refuses, in French, what it cannot read: an empty file, a file over the limit, a binary file (a PDF
 * statement, a spreadsheet), an unknown layout, a file without any operation.
 */
export const readStatement = (buffer: Buffer, maxBytes: number): ReadStatement => {
  if (!buffer.length) throw new StatementFileError('le fichier est vide.');
  if (buffer.length > maxBytes) {
    const mb = Math.round(maxBytes / 1024 / 1024);
    throw new StatementFileError(
      `le fichier est trop volumineux (${(buffer.length / 1024 / 1024).toFixed(1).replace('.', ',')} Mo) : un relevé est limité à ${mb} Mo.`
    );
  }
  const encoding = detectEncoding(buffer);
  if (!encoding.startsWith('utf-16') && looksBinary(buffer)) {
    const pdf = buffer.subarray(0, 5).toString('latin1') === '%PDF-';
    throw new StatementFileError(
      pdf
        ? 'c\u2019est un relevé PDF : téléchargez plutôt, sur le site de la banque, les opérations au format CSV (ou OFX).'
        : 'le fichier n\u2019est ni un CSV ni un OFX : son contenu est binaire (un classeur Excel ? enregistrez-le en CSV).'
    );
  }
  const text = decodeText(buffer, encoding);
  if (!text.trim()) throw new StatementFileError('le fichier est vide.');
  const read = isOfx(text) ? readOfxStatement(text) : readCsvStatement(text);
  if (!read.operations.length) throw new StatementFileError('le relevé ne contient aucune opération.');
  return read;
};
