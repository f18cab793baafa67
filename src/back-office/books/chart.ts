/**
 * The headings of the associations' chart of accounts (règlement ANC 2018-06) that the statements
 * print, in the order of its compte de résultat: the charges (class 6, 60 to 68), the produits
 * (class 7, 70 to 78), then the voluntary contributions in kind (86 their use, 87 their origin),
 * which are shown below the result and never counted in it. A category's heading is the one of the
 * first two digits of its number (606 → 60 Achats); a number of another class falls under « Autres ».
 */
export interface ChartHeading {
  code: string;
  name: string;
}

export const EXPENSE_HEADINGS: ChartHeading[] = [
  { code: '60', name: 'Achats' },
  { code: '61', name: 'Services extérieurs' },
  { code: '62', name: 'Autres services extérieurs' },
  { code: '63', name: 'Impôts et taxes' },
  { code: '64', name: 'Charges de personnel' },
  { code: '65', name: 'Autres charges de gestion courante' },
  { code: '66', name: 'Charges financières' },
  { code: '67', name: 'Charges exceptionnelles' },
  { code: '68', name: 'Dotations aux amortissements, dépréciations et provisions' },
];

export const INCOME_HEADINGS: ChartHeading[] = [
  { code: '70', name: 'Ventes de biens et de services, prestations' },
  { code: '71', name: 'Production stockée' },
  { code: '72', name: 'Production immobilisée' },
  { code: '73', name: 'Dotations et produits de tarification' },
  { code: '74', name: 'Subventions d\u2019exploitation' },
  { code: '75', name: 'Autres produits de gestion courante (cotisations, dons, mécénat)' },
  { code: '76', name: 'Produits financiers' },
  { code: '77', name: 'Produits exceptionnels' },
  { code: '78', name: 'Reprises sur amortissements, dépréciations et provisions' },
];

/** Voluntary contributions in kind: their use (86) and their origin (87), always equal. */
export const IN_KIND_HEADINGS: Record<'expense' | 'income', ChartHeading> = {
  expense: { code: '86', name: 'Emplois des contributions volontaires en nature' },
  income: { code: '87', name: 'Contributions volontaires en nature' },
};

export const OTHER_HEADING = (kind: 'income' | 'expense'): ChartHeading => ({
  code: kind === 'income' ? '7' : '6',
  name: kind === 'income' ? 'Autres produits' : 'Autres charges',
});

/**
 * The heading a number falls under, for its kind. 86 and 87 only for a planned contribution in kind:
 * an entry is always money, so a category numbered 86 or 87 falls under « Autres ».
 */
export const headingOf = (number: string, kind: 'income' | 'expense', { inKind }: { inKind: boolean }): ChartHeading => {
  const prefix = number.slice(0, 2);
  if (inKind && prefix === IN_KIND_HEADINGS[kind].code) return IN_KIND_HEADINGS[kind];
  return (kind === 'income' ? INCOME_HEADINGS : EXPENSE_HEADINGS).find((h) => h.code === prefix) ?? OTHER_HEADING(kind);
};

/** Headings in the chart's order: a heading's rank, numbers compared as text within it (606 before 6061 before 613). */
export const compareNumbers = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
