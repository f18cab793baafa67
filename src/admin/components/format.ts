/** Small French formats shared by the back-office's panels and dialogs. */

/** 'YYYY-MM-DD' → 'jj/mm/aaaa' (« — » when empty). */
export const frenchDay = (day: string | null | undefined) => (day ? `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}` : '—');

/** An instant as « sam. 13 mars 2027, 09:30 » in Paris time. */
export const frenchDateTime = (iso: string) =>
  new Date(iso).toLocaleString('fr-FR', { timeZone: 'Europe/Paris', weekday: 'short', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' });

const EUROS = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });
export const euros = (n: number | null | undefined) => (n === null || n === undefined ? '—' : EUROS.format(n));

/** « 20,50 » or « 20.5 » typed in a field → 20.5; empty → null; anything else → NaN. */
export const parseAmount = (text: string) => {
  const t = text.trim().replace(/\s/g, '').replace(',', '.');
  if (!t) return null;
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : NaN;
};

/** The French message of a back-office error answer, else `fallback`. */
export const errorMessage = (e: any, fallback = 'Erreur inattendue, réessayez.') => e?.response?.data?.error?.message ?? fallback;

/** « 1 personne », « 3 personnes ». */
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n > 1 ? many : one}`;

/** Downloads a file the back-office answers (CSV, PDF) with the admin's session, under the name it gives. */
export const downloadFile = async (get: (url: string, config?: any) => Promise<any>, url: string, fallbackName: string) => {
  const res = await get(url, { responseType: 'blob' });
  const disposition: string = res.headers?.get?.('content-disposition') ?? res.headers?.['content-disposition'] ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const blob: Blob = res.data instanceof Blob ? res.data : new Blob([res.data]);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
};

/** The French message of a failed download (the error body comes back as a Blob). */
export const downloadErrorMessage = async (e: any) => {
  const data = e?.response?.data;
  if (data instanceof Blob) {
    try {
      return JSON.parse(await data.text())?.error?.message ?? 'Le téléchargement a échoué.';
    } catch {
      return 'Le téléchargement a échoué.';
    }
  }
  return errorMessage(e, 'Le téléchargement a échoué.');
};
