import { formatCount } from '../../../contract/format';
import type { SyncResult } from './api';

/** « 1 don », « 3 dons » (counts in French: 1 234). */
const count = (n: number, one: string, many: string) => `${formatCount(n)} ${n > 1 ? many : one}`;

/**
 * What a synchronisation did, in French sentences for the treasurer: « 3 adhésions, 2 dons importés ;
 * 1 nouvel adhérent créé ; 1 remboursement ; 2 paiements à vérifier. » The errors are listed apart.
 */
export const summarizeSync = (r: SyncResult) => {
  const c = r.created;
  const imported = [
    c.contributions > 0 && count(c.contributions, 'adhésion', 'adhésions'),
    c.donations > 0 && count(c.donations, 'don', 'dons'),
    c.participations > 0 && count(c.participations, 'inscription à une mission', 'inscriptions à une mission'),
  ].filter((p): p is string => !!p);
  const total = c.contributions + c.donations + c.participations;
  // « importés » agrees with what was imported: masculine as soon as there is a donation
  const agreed = `import${c.donations > 0 ? 'é' : 'ée'}${total > 1 ? 's' : ''}`;
  const people = [
    c.members > 0 && count(c.members, 'nouvel adhérent', 'nouveaux adhérents'),
    c.donors > 0 && count(c.donors, 'nouveau donateur', 'nouveaux donateurs'),
  ].filter((p): p is string => !!p);

  const parts: string[] = [];
  if (imported.length) parts.push(`${imported.join(', ')} ${agreed}`);
  if (people.length) parts.push(`${people.join(' et ')} ${c.members + c.donors > 1 ? 'créés' : 'créé'}`);
  if (r.updated > 0) parts.push(count(r.updated, 'fiche mise à jour', 'fiches mises à jour'));
  if (r.refunded > 0) parts.push(count(r.refunded, 'remboursement', 'remboursements'));
  if (r.toReview > 0) parts.push(count(r.toReview, 'paiement à vérifier', 'paiements à vérifier'));
  if (r.errors.length > 0) parts.push(count(r.errors.length, 'erreur', 'erreurs'));
  if (!parts.length) return 'Rien de nouveau sur HelloAsso.';
  const sentence = parts.join(' ; ');
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
};
