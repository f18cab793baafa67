import { formatDate } from '../../../contract/format';
import type { FormsState, Mapping, MappingBody } from './api';

/**
 * What a HelloAsso form becomes, as the one value of a select: `membership:<documentId>`, `donation`,
 * `mission:<documentId>`, `ignored`, or '' while nothing is chosen. The donation's campaign is typed apart.
 */
export const choiceOf = (m: Mapping): string => {
  if (m.kind === 'membership') return m.membershipType ? `membership:${m.membershipType.documentId}` : '';
  if (m.kind === 'mission') return m.mission ? `mission:${m.mission.documentId}` : '';
  return m.kind ?? '';
};

export const bodyOf = (choice: string, campaign: string): MappingBody | null => {
  const [kind, documentId] = choice.split(':');
  if (kind === 'membership' && documentId) return { kind, membershipType: documentId };
  if (kind === 'mission' && documentId) return { kind, mission: documentId };
  if (kind === 'donation') return campaign.trim() ? { kind, campaign: campaign.trim() } : { kind };
  if (kind === 'ignored') return { kind };
  return null;
};

/** The options of the select, in French: « Cotisation du type … », « Don », « Mission … (date) », « Ignoré ». */
export const optionsOf = (choices: FormsState['choices'], current: Mapping) => {
  const options = [
    ...choices.membershipTypes.map((t) => ({ value: `membership:${t.documentId}`, label: `Cotisation du type « ${t.name} »` })),
    { value: 'donation', label: 'Don' },
    ...choices.missions.map((m) => ({
      value: `mission:${m.documentId}`,
      label: `Mission « ${m.title} »${m.startsAt ? ` (${formatDate(m.startsAt)})` : ''}`,
    })),
    { value: 'ignored', label: 'Ignoré (aucune fiche créée)' },
  ];
  // the mission saved may no longer be offered (past): it stays shown
  if (current.kind === 'mission' && current.mission && !options.some((o) => o.value === `mission:${current.mission?.documentId}`)) {
    options.push({ value: `mission:${current.mission.documentId}`, label: `Mission « ${current.mission.title} »` });
  }
  return options;
};
