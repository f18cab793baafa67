/**
 * How the values of a spreadsheet are read: what French Excel, LibreOffice, Galette, Paheko and
 * HelloAsso write for a yes/no, a date, an amount, a gender, a payment method, a country. Pure
 * functions; each returns the value to store, or a `Problem` holding the French reason shown in the
 * preview (« « 31/02/1980 » n'est pas une date »).
 */
export class Problem {
  constructor(public readonly message: string) {}
}
export const isProblem = (v: unknown): v is Problem => v instanceof Problem;

/** Lower case, no accents, ligatures spelt out, only letters and digits: how headers and names are compared. */
export const simplify = (text: string) =>
  // plain ASCII (most cells): no accent nor ligature to take out, nothing built but the result
  /^[\x20-\x7e]*$/.test(text)
    ? text.toLowerCase().replace(/[^a-z0-9]+/g, '')
    : text
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .replace(/œ/g, 'oe')
        .replace(/æ/g, 'ae')
        .replace(/ß/g, 'ss')
        .replace(/[^a-z0-9]+/g, '');

/** A person's name for matching: accents, case, spaces, hyphens and apostrophes ignored. */
export const nameKey = (text: string | null | undefined) => simplify(text ?? '');

/** Spaces of every kind (Excel writes no-break spaces in « 1 234,50 ») folded into one plain space. */
export const cleanText = (text: string) =>
  // most cells have nothing to fold (no space but single plain ones): nothing built but the trimmed text
  (/[^\S ]| {2}/.test(text) ? text.replace(/[\s\u00a0\u202f]+/g, ' ') : text).trim();

const YES = new Set(['oui', 'o', 'x', 'yes', 'y', 'true', 'vrai', '1', 'v', 'ok', 'coche']);
const NO = new Set(['non', 'n', 'no', 'false', 'faux', '0', '']);

/**
 * Oui/Non, X/empty, 1/0, vrai/faux, yes/no, true/false. An empty cell is « non » in a column of
 * crosses (`crosses`: the column holds some X), and no value otherwise (left as stored).
 */
export const parseBoolean = (raw: string, crosses = false): boolean | null | Problem => {
  const v = simplify(raw);
  if (v === '') return crosses ? false : null;
  if (YES.has(v)) return true;
  if (NO.has(v)) return false;
  return new Problem(`« ${raw} » n'est ni oui ni non (attendu : Oui/Non, X ou vide, 1/0)`);
};

const pad = (n: number) => String(n).padStart(2, '0');

/** The days of a month of the Gregorian calendar (29 in February of a leap year): read for every date of a file, without building a date. */
const daysInMonth = (year: number, month: number) =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/**
 * dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy (two-digit years: 19xx above the current year's two digits),
 * yyyy-mm-dd, each with an optional time (HH:MM or HH:MM:SS, or ISO's T…Z); returns 'YYYY-MM-DD'.
 * An impossible day (31/02) is a problem, not a guess.
 */
export const parseDate = (raw: string): string | null | Problem => {
  const text = cleanText(raw);
  if (!text) return null;
  let y: number, m: number, d: number;
  let match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:[ T]+(\d{1,2})[:h](\d{2})(?::(\d{2}))?)?$/i.exec(text);
  if (match) {
    [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (match[3].length === 2) y += y > Number(String(new Date().getFullYear()).slice(2)) ? 1900 : 2000;
  } else if ((match = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(text))) {
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else {
    return new Problem(`« ${raw} » n'est pas une date (attendu : JJ/MM/AAAA ou AAAA-MM-JJ)`);
  }
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return new Problem(`« ${raw} » n'est pas une date`);
  return `${y}-${pad(m)}-${pad(d)}`;
};

/**
 * An amount in integer cents: « 1 234,50 », « 1234.50 », « 25,00 € », « 1.234,50 », « 1,234.50 »,
 * « EUR 12 ». With both separators, the last one is the decimal mark; a lone comma or dot is the
 * decimal mark (three digits after a lone mark in « 1.234 » stay ambiguous: refused).
 */
export const parseAmount = (raw: string): number | null | Problem => {
  let text = cleanText(raw)
    .replace(/€|eur(os?)?/gi, '')
    .replace(/[\s']/g, '');
  if (!text) return null;
  const negative = /^-/.test(text) || /^\(.*\)$/.test(text);
  text = text.replace(/^[-+(]|\)$/g, '');
  const lastComma = text.lastIndexOf(',');
  const lastDot = text.lastIndexOf('.');
  let integer: string, decimals: string;
  if (lastComma >= 0 && lastDot >= 0) {
    const mark = lastComma > lastDot ? ',' : '.';
    const thousands = mark === ',' ? '.' : ',';
    const [i, dec = ''] = text.split(mark);
    if (text.split(mark).length > 2) return new Problem(`« ${raw} » n'est pas un montant`);
    integer = i.split(thousands).join('');
    decimals = dec;
  } else if (lastComma >= 0 || lastDot >= 0) {
    const mark = lastComma >= 0 ? ',' : '.';
    const parts = text.split(mark);
    if (parts.length > 2) {
      // « 1.234.567 »: thousands only
      if (parts.slice(1).every((p) => p.length === 3)) [integer, decimals] = [parts.join(''), ''];
      else return new Problem(`« ${raw} » n'est pas un montant`);
    } else [integer, decimals] = [parts[0], parts[1]];
  } else [integer, decimals] = [text, ''];
  if (!/^\d+$/.test(integer || '0') || !/^\d*$/.test(decimals)) return new Problem(`« ${raw} » n'est pas un nombre`);
  if (decimals.length > 2) {
    if (/^0*$/.test(decimals.slice(2))) decimals = decimals.slice(0, 2);
    else return new Problem(`« ${raw} » : deux décimales au maximum (centimes)`);
  }
  const cents = Number(integer || '0') * 100 + Number(decimals.padEnd(2, '0') || '0');
  if (!Number.isSafeInteger(cents)) return new Problem(`« ${raw} » n'est pas un montant`);
  return negative ? -cents : cents;
};

/** A whole number (member numbers): « 42 », « 42,0 » from a spreadsheet, « n° 42 ». */
export const parseInteger = (raw: string): number | null | Problem => {
  const text = cleanText(raw)
    .replace(/^n[°o]\s*/i, '')
    .replace(/[\s.,]0+$/, '');
  if (!text) return null;
  if (!/^\d+$/.test(text.replace(/\s/g, ''))) return new Problem(`« ${raw} » n'est pas un nombre entier`);
  return Number(text.replace(/\s/g, ''));
};

/** Values of each enumeration in the tools' exports and in plain French. */
const SYNONYMS: Record<string, Record<string, string[]>> = {
  gender: {
    female: ['f', 'femme', 'feminin', 'madame', 'mme', 'mlle', 'mademoiselle', 'female', 'woman', 'w'],
    male: ['h', 'm', 'homme', 'masculin', 'monsieur', 'mr', 'male', 'man'],
    non_binary: ['nonbinaire', 'nb', 'nonbinary', 'autre', 'other', 'x'],
    undisclosed: ['nonprecise', 'nonspecifie', 'inconnu', 'nondit', 'undisclosed', 'unknown', 'nc', 'aucun', 'neutre'],
  },
  paymentMethod: {
    cash: ['especes', 'espece', 'liquide', 'cash', 'numeraire'],
    cheque: ['cheque', 'cheques', 'chq', 'check'],
    transfer: ['virement', 'virementbancaire', 'vir', 'transfer', 'banktransfer', 'prelevement', 'sepa'],
    card: ['carte', 'cartebancaire', 'cb', 'cartedecredit', 'card', 'creditcard', 'tpe', 'sumup'],
    helloasso: ['helloasso'],
    other: ['autre', 'other', 'paypal', 'gratuit', 'nature'],
  },
  donorKind: {
    individual: ['particulier', 'personne', 'personnephysique', 'individual', 'individu', 'physique'],
    company: ['entreprise', 'societe', 'personnemorale', 'company', 'organisation', 'association', 'morale'],
  },
  nature: {
    cash: ['numeraire', 'especes', 'argent', 'cash', 'financier'],
    in_kind: ['nature', 'ennature', 'inkind', 'materiel'],
    waived_expenses: ['abandondefrais', 'fraisabandonnes', 'waivedexpenses', 'abandon'],
  },
};

/** The stored value of an enumeration from what a spreadsheet says (« Chèque », « CB », « Madame »). */
export const parseChoice = (kind: keyof typeof SYNONYMS, raw: string, labels: Record<string, string> = {}): string | null | Problem => {
  const v = simplify(raw);
  if (!v) return null;
  for (const [value, words] of Object.entries(SYNONYMS[kind])) {
    if (v === simplify(value) || words.includes(v) || (labels[value] && simplify(labels[value]) === v)) return value;
  }
  // HelloAsso and Galette write « Carte bancaire (en ligne) », « Chèque n° 1234 »...
  for (const [value, words] of Object.entries(SYNONYMS[kind])) {
    if (words.some((w) => w.length > 3 && v.startsWith(w))) return value;
  }
  const allowed = Object.keys(SYNONYMS[kind]).map((value) => labels[value] ?? value);
  return new Problem(`« ${raw} » n'est pas une valeur connue (valeurs possibles : ${allowed.join(', ')})`);
};

/** ISO 3166 codes of the countries an association in France meets most, alpha-3 and alpha-2. */
const ALPHA3: Record<string, string> = {
  FRA: 'FR',
  BEL: 'BE',
  CHE: 'CH',
  LUX: 'LU',
  MCO: 'MC',
  DEU: 'DE',
  ESP: 'ES',
  ITA: 'IT',
  PRT: 'PT',
  GBR: 'GB',
  IRL: 'IE',
  NLD: 'NL',
  AUT: 'AT',
  POL: 'PL',
  ROU: 'RO',
  GRC: 'GR',
  SWE: 'SE',
  DNK: 'DK',
  NOR: 'NO',
  FIN: 'FI',
  CZE: 'CZ',
  HUN: 'HU',
  USA: 'US',
  CAN: 'CA',
  MAR: 'MA',
  DZA: 'DZ',
  TUN: 'TN',
  SEN: 'SN',
  CIV: 'CI',
  CMR: 'CM',
  MLI: 'ML',
  MDG: 'MG',
  COD: 'CD',
  COG: 'CG',
  HTI: 'HT',
  BRA: 'BR',
  CHN: 'CN',
  JPN: 'JP',
  VNM: 'VN',
  TUR: 'TR',
  UKR: 'UA',
  RUS: 'RU',
  AND: 'AD',
  REU: 'RE',
  GLP: 'GP',
  MTQ: 'MQ',
  GUF: 'GF',
  MYT: 'YT',
  NCL: 'NC',
  PYF: 'PF',
};
const regionNames = new Intl.DisplayNames(['fr'], { type: 'region' });

/** A country as a French name: « FRA », « FR », « fr » → « France »; a name is kept as written. */
export const parseCountry = (raw: string): string | null => {
  const text = cleanText(raw);
  if (!text) return null;
  const code = text.toUpperCase();
  const alpha2 = /^[A-Z]{3}$/.test(code) ? ALPHA3[code] : /^[A-Z]{2}$/.test(code) ? code : undefined;
  if (alpha2) {
    try {
      const name = regionNames.of(alpha2);
      if (name && name !== alpha2) return name;
    } catch {
      // not a region code: kept as written
    }
  }
  return text;
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const parseEmail = (raw: string): string | null | Problem => {
  const text = cleanText(raw)
    .replace(/^mailto:/i, '')
    .toLowerCase();
  if (!text) return null;
  return EMAIL.test(text) ? text : new Problem(`« ${raw} » n'est pas une adresse e-mail`);
};

/** A birth date: a date, not in the future, not before 1900. */
export const parseBirthDate = (raw: string, today: string): string | null | Problem => {
  const date = parseDate(raw);
  if (typeof date !== 'string') return date;
  if (date > today) return new Problem(`« ${raw} » est dans le futur : ce n'est pas une date de naissance`);
  if (date < '1900-01-01') return new Problem(`« ${raw} » est trop ancien pour une date de naissance`);
  return date;
};

/**
 * THE rule that splits Paheko's single « Nom & prénom » column, shown in the preview:
 * the words written in CAPITALS are the last name and the others the first name (« DUPONT Jean »,
 * « Jean DUPONT »); without capitals, the last word is the first name and the words before it the
 * last name (« Dupont Jean », « de La Fontaine Jean », « Martin Jean-Pierre »).
 */
export const FULL_NAME_RULE =
  'La colonne « Nom & prénom » est coupée ainsi : les mots écrits en MAJUSCULES forment le nom et les autres le prénom ' +
  '(« DUPONT Jean », « Jean DUPONT ») ; sans majuscules, le dernier mot est le prénom et ce qui le précède le nom ' +
  '(« Dupont Jean » → nom « Dupont », prénom « Jean » ; « de La Fontaine Jean » → nom « de La Fontaine »).';

const isCapitals = (word: string) => /\p{L}{2,}/u.test(word) && word === word.toUpperCase() && word !== word.toLowerCase();

export const splitFullName = (raw: string): { lastName: string | null; firstName: string | null } => {
  const words = cleanText(raw).split(' ').filter(Boolean);
  if (!words.length) return { lastName: null, firstName: null };
  if (words.length === 1) return { lastName: words[0], firstName: null };
  const capitals = words.filter(isCapitals);
  if (capitals.length && capitals.length < words.length) {
    return { lastName: capitals.join(' '), firstName: words.filter((w) => !isCapitals(w)).join(' ') };
  }
  return { lastName: words.slice(0, -1).join(' '), firstName: words[words.length - 1] };
};

/** Cents as the decimal the Document Service stores (« 2550 » → 25.5): never summed in JS. */
export const centsToDecimal = (cents: number) => cents / 100;
/** A stored decimal (number or string) as cents, for comparing a stored amount with a read one. */
export const decimalToCents = (value: unknown) =>
  value === null || value === undefined || value === '' ? null : Math.round(Number(value) * 100);
