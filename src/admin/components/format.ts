/** Small French formats shared by the back-office's panels and dialogs. */

/** 'YYYY-MM-DD' → 'jj/mm/aaaa' (« — » when empty). */
export const frenchDay = (day: string | null | undefined) => (day ? `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}` : '—');

/** An instant as « sam. 13 mars 2027, 09:30 » in Paris time. */
export const frenchDateTime = (iso: string) =>
  new Date(iso).toLocaleString('fr-FR', {
    timeZone: 'Europe/Paris',
    weekday: 'short',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });

const EUROS = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });
export const euros = (n: number | null | undefined) => (n === null || n === undefined ? '—' : EUROS.format(n));

/** « 20,50 » or « 20.5 » typed in a field → 20.5; empty → null; anything else → NaN. */
export const parseAmount = (text: string) => {
  const t = text.trim().replace(/\s/g, '').replace(',', '.');
  if (!t) return null;
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : NaN;
};

/** « 1 personne », « 3 personnes ». */
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n > 1 ? many : one}`;
