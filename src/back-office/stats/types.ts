/**
 * The JSON of GET /back-office/stats, shared by the server and the admin panel (types only: the
 * admin bundle imports this file with `import type`). Definitions of each figure: definitions.ts.
 */
export interface Bucket {
  label: string;
  count: number;
}
export interface MoneyMonth {
  month: string;
  amount: number;
  count: number;
}
export interface Stats {
  year: number;
  /** the day the counts are taken on: 31 December, or today for the current year */
  referenceDay: string;
  members: { total: number; upToDate: number; new: number; volunteers: number };
  volunteers: { active: number };
  missions: { done: number; planned: number };
  participation: { rate: number | null; attended: number; absent: number };
  ageGroups: Bucket[];
  /** the age pyramid: the same groups by gender */
  ageGroupsByGender: Array<{ label: string; female: number; male: number; other: number }>;
  professions: Bucket[];
  cities: Bucket[];
  origins: Bucket[];
  newMembersByMonth: Array<{ month: string; count: number }>;
  /** members at the end of each month (null for the months not begun yet) */
  membersByMonth: Array<{ month: string; count: number | null }>;
  dues?: { total: number; count: number; byMonth: MoneyMonth[] };
  donations?: { total: number; count: number; donors: number; byMonth: MoneyMonth[] };
  subsidies?: { requested: number; granted: number; received: number };
  /**
   * The books of the current fiscal year (whatever `year` is), as its compte de résultat: incomes,
   * expenses and result (incomes − expenses) of the ledger entries, in euros. Only for who reads the
   * books (books.read).
   */
  books?: { fiscalYear: number; name: string; start: string; end: string; income: number; expense: number; result: number };
}
