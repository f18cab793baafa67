// n2words is an ES module; Node (20.19+) and the tests' transform load it with require.
const { toCardinal } = require('n2words/fr-FR') as { toCardinal: (value: number | string | bigint) => string };

/**
 * An amount in integer cents, in French words, as a receipt prints it (« mille deux cent
 * trente-quatre euros et cinquante-six centimes »). The numbers come from n2words (quatre-vingts,
 * soixante et onze, deux cents, un million…); the currency is worded here because n2words writes
 * « un million euros » where French says « un million d’euros ».
 */
export const amountInWords = (cents: number | bigint): string => {
  const total = BigInt(cents);
  if (total < 0n) throw new Error('montant négatif');
  const euros = total / 100n;
  const rest = total % 100n;
  const parts: string[] = [];
  if (euros > 0n || rest === 0n) {
    const words = toCardinal(euros);
    // « un million d’euros », « deux milliards d’euros », but « un million deux cents euros »
    const of = /(millions?|milliards?)$/.test(words) ? 'd’euros' : euros === 1n || euros === 0n ? 'euro' : 'euros';
    parts.push(`${words} ${of}`);
  }
  if (rest > 0n) parts.push(`${toCardinal(rest)} ${rest === 1n ? 'centime' : 'centimes'}`);
  return parts.join(' et ');
};

/** A decimal amount from the database ('12.30', 12.3) as integer cents, without float arithmetic. */
export const toCents = (value: number | string | null | undefined): number => {
  if (value === null || value === undefined || value === '') return 0;
  const text = typeof value === 'number' ? value.toFixed(2) : String(value).trim();
  const m = /^(-?)(\d+)(?:\.(\d{1,}))?$/.exec(text);
  if (!m) throw new Error(`montant illisible : ${text}`);
  const decimals = (m[3] ?? '').padEnd(2, '0');
  // a third decimal never comes from a decimal(10,2) column; rounded half up if it does
  const cents = Number(m[2]) * 100 + Number(decimals.slice(0, 2)) + (Number(decimals[2] ?? 0) >= 5 ? 1 : 0);
  return m[1] ? -cents : cents;
};

/** Integer cents as a decimal string for a decimal column: 2121 → '21.21'. */
export const centsToDecimal = (cents: number) =>
  `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;
