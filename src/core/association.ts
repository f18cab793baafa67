import type { Core } from '@strapi/strapi';

const ASSOCIATION = 'api::association.association';

/** The association's logo (an upload file), with its resized versions. */
export interface AssociationLogo {
  url: string;
  formats?: Record<string, { url: string } | undefined> | null;
}

/**
 * The association's settings (the « Association » single type), as every module reads them: the
 * identity printed on mails, PDFs and calendars, and the settings of dues and fiscal years.
 * Empty text settings are null; name, fiscal year and grace period always have a value.
 */
export interface AssociationSettings {
  name: string;
  legalForm: string | null;
  rna: string | null;
  siren: string | null;
  address: string | null;
  postalCode: string | null;
  city: string | null;
  email: string | null;
  phone: string | null;
  website: string | null;
  object: string | null;
  presidentName: string | null;
  logo: AssociationLogo | null;
  /** month (1 to 12) a fiscal year starts in */
  fiscalYearStartMonth: number;
  /** days after the end of the period paid during which a member still counts as up to date */
  duesGraceDays: number;
  reminderSubject: string | null;
  reminderTemplate: string | null;
}

export type AssociationField = keyof AssociationSettings;

/** The values used while the bureau has not filled the settings in (or left a field empty). */
export const ASSOCIATION_DEFAULTS = {
  /** in a sentence: « Vous recevez cette lettre de l’association. » (see nameAsTitle) */
  name: 'l’association',
  fiscalYearStartMonth: 1,
  duesGraceDays: 30,
} as const satisfies Partial<AssociationSettings>;

/** The name as a title or at the start of a sentence: a real name as written, the default capitalised. */
export const nameAsTitle = (name: string) => (name === ASSOCIATION_DEFAULTS.name ? 'L’association' : name);

const withDefault = (field: AssociationField, value: unknown): unknown => {
  if (field === 'name') return (typeof value === 'string' && value.trim()) || ASSOCIATION_DEFAULTS.name;
  if (field === 'fiscalYearStartMonth' || field === 'duesGraceDays') return typeof value === 'number' ? value : ASSOCIATION_DEFAULTS[field];
  return value === undefined || value === '' ? null : value;
};

/**
 * The settings named in `fields`, in one query, with the defaults applied: the one way the code reads
 * the association's settings.
 *
 *   const { name, duesGraceDays } = await readAssociation(strapi, ['name', 'duesGraceDays']);
 */
export const readAssociation = async <F extends AssociationField>(
  strapi: Core.Strapi,
  fields: readonly F[]
): Promise<Pick<AssociationSettings, F>> => {
  const select = fields.filter((f) => f !== 'logo');
  const row: Partial<Record<AssociationField, unknown>> | null = await strapi.db.query(ASSOCIATION).findOne({
    select: select.length ? select : ['id'],
    ...(fields.includes('logo' as F) ? { populate: { logo: { select: ['url', 'formats'] } } } : {}),
  });
  return Object.fromEntries(fields.map((f) => [f, withDefault(f, row?.[f])])) as Pick<AssociationSettings, F>;
};
