/**
 * The official French kilometre scale (barème kilométrique) of the tax administration, by year of the
 * trips: « barème des frais kilométriques », BOI-BAREME-000001 (Bulletin officiel des finances
 * publiques – impôts), also printed in the DGFiP's « Brochure pratique » of the income tax. The
 * scale of the incomes of 2022 (arrêté of February 2023) was kept unchanged for 2023 and 2024.
 *
 * The scale has bands by yearly distance; an expense claim covers a few trips, not a year, so a
 * claim uses the rate per km of the first band (up to 5 000 km for a car, 3 000 km for a motorcycle
 * or a moped), as associations usually do. Fully electric vehicles: the amount is raised by 20 %.
 *
 * Rates in thousandths of a euro per km, to compute in integers. To add a year: one more entry,
 * once the administration has published it (a later trip uses the latest year known, with a note).
 */
export type Vehicle = 'car' | 'motorcycle' | 'moped';

interface Scale {
  /** car: fiscal power 3 (and less), 4, 5, 6, 7 (and more) */
  car: Record<3 | 4 | 5 | 6 | 7, number>;
  /** motorcycle over 50 cm³: 1 or 2 CV, 3 to 5 CV, more than 5 CV */
  motorcycle: { upTo2: number; upTo5: number; over5: number };
  /** moped, scooter of 50 cm³ at most (no fiscal power) */
  moped: number;
}

const SCALE_2022: Scale = {
  car: { 3: 529, 4: 606, 5: 636, 6: 665, 7: 697 },
  motorcycle: { upTo2: 395, upTo5: 468, over5: 606 },
  moped: 315,
};

export const MILEAGE_SCALES: Readonly<Record<number, Scale>> = {
  2022: SCALE_2022,
  2023: SCALE_2022,
  2024: SCALE_2022,
};

/** Electric vehicles: +20 % (in percent). */
const ELECTRIC_BONUS = 20;

export const latestScaleYear = () => Math.max(...Object.keys(MILEAGE_SCALES).map(Number));

export interface MileageInput {
  km: number;
  vehicle: Vehicle;
  fiscalPower?: number | null;
  electric?: boolean | null;
  /** the year of the trip */
  year: number;
}

export interface MileageAmount {
  /** the scale's year used */
  scaleYear: number;
  /** euros per km, as printed (e.g. 0.636, 0.7632 for an electric car) */
  rate: number;
  /** the amount, integer cents */
  cents: number;
  /** French note when the trip's year has no scale (the latest known was used), else null */
  note: string | null;
}

/** Why this vehicle and fiscal power have no rate (French, without the field's name), or null. */
export const fiscalPowerProblem = (vehicle: Vehicle, fiscalPower: unknown): string | null => {
  if (vehicle === 'moped') return null;
  const power = Number(fiscalPower);
  if (fiscalPower === null || fiscalPower === undefined || fiscalPower === '' || !Number.isInteger(power) || power < 1 || power > 99) {
    return `« ${fiscalPower ?? ''} » n\u2019est pas une puissance fiscale connue : un nombre entier de chevaux fiscaux (CV), de 1 à 99, lu sur la carte grise (case P.6).`;
  }
  return null;
};

const thousandthsPerKm = (scale: Scale, vehicle: Vehicle, fiscalPower: number) => {
  if (vehicle === 'moped') return scale.moped;
  if (vehicle === 'motorcycle')
    return fiscalPower <= 2 ? scale.motorcycle.upTo2 : fiscalPower <= 5 ? scale.motorcycle.upTo5 : scale.motorcycle.over5;
  const band = Math.min(7, Math.max(3, fiscalPower)) as 3 | 4 | 5 | 6 | 7;
  return scale.car[band];
};

/** THE amount of a mileage line: km × the scale's rate of its year (integer cents, rounded to the cent). */
export const mileageAmount = ({ km, vehicle, fiscalPower, electric, year }: MileageInput): MileageAmount => {
  const known = MILEAGE_SCALES[year] !== undefined;
  const scaleYear = known ? year : latestScaleYear();
  const problem = fiscalPowerProblem(vehicle, fiscalPower);
  if (problem) throw new Error(problem);
  const perKm = thousandthsPerKm(MILEAGE_SCALES[scaleYear], vehicle, Number(fiscalPower ?? 0));
  const bonus = electric ? 100 + ELECTRIC_BONUS : 100;
  // km × (thousandths of a euro) × bonus% = 1/100 000 of a euro; to cents, rounded half up
  const cents = Math.round((km * perKm * bonus) / 1000);
  return {
    scaleYear,
    rate: (perKm * bonus) / 100_000,
    cents,
    note: known
      ? null
      : `Barème kilométrique ${year} pas encore connu de l\u2019application : barème ${scaleYear} appliqué (le dernier publié).`,
  };
};
