import { formatDate } from '../../contract/format';
import { euros } from '../pdf/document';

/** Used when the association's settings leave the subject or the text empty. */
export const DEFAULT_REMINDER_SUBJECT = '{{association}} : votre cotisation (échéance le {{duesPaidUntil}})';
export const DEFAULT_REMINDER_TEMPLATE = [
  'Bonjour {{firstName}},',
  '',
  'Votre cotisation à {{association}} couvre la période jusqu\u2019au {{duesPaidUntil}}.',
  'Pour continuer à soutenir l\u2019association et à participer à ses activités, pensez à la renouveler : le montant est de {{amount}}.',
  '',
  'Si vous l\u2019avez déjà renouvelée, merci, et ne tenez pas compte de ce message.',
  '',
  'Bien cordialement,',
  'Le bureau de {{association}}',
].join('\n');

export const TEMPLATE_FIELDS = ['firstName', 'lastName', 'duesPaidUntil', 'amount', 'association'] as const;
export type TemplateValues = Record<(typeof TEMPLATE_FIELDS)[number], string>;

/** 2026-03-31 → 31/03/2026 */
export const frenchDate = (day: string) => formatDate(day);

/** Replaces {{name}} (spaces allowed inside the braces); unknown names are left as written. */
export const renderTemplate = (template: string, values: Partial<TemplateValues>) =>
  template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (values as Record<string, string | undefined>)[name] ?? whole);

/** Subject and text of one member's reminder, from the association's templates (or the defaults). */
export const reminderMail = (
  settings: { name?: string | null; reminderSubject?: string | null; reminderTemplate?: string | null },
  member: { firstName: string; lastName: string; duesPaidUntil: string; amount: number | null }
) => {
  const values: TemplateValues = {
    firstName: member.firstName ?? '',
    lastName: member.lastName ?? '',
    duesPaidUntil: frenchDate(member.duesPaidUntil),
    amount: member.amount === null ? '' : euros(member.amount),
    association: settings.name || 'l\u2019association',
  };
  return {
    subject: renderTemplate(settings.reminderSubject?.trim() || DEFAULT_REMINDER_SUBJECT, values),
    text: renderTemplate(settings.reminderTemplate?.trim() || DEFAULT_REMINDER_TEMPLATE, values),
  };
};
