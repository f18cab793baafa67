import { ACTIONS } from '../../../contract/permissions';
import type { FormsState, Review, Status, SyncTrigger } from '../../../back-office/helloasso/contract';
import { permissionsFor, useGet } from '../../_lib';

export type {
  Candidate,
  CandidateKind,
  Created,
  FormsState,
  HelloAssoForm,
  Mapping,
  MappingBody,
  MappingKind,
  MembershipTypeChoice,
  MissionChoice,
  ResolveBody,
  Review,
  Status,
  SyncResult,
  SyncRun,
  SyncTrigger,
} from '../../../back-office/helloasso/contract';

/** Client side of the HelloAsso routes (/back-office/helloasso/…): their answers are typed in the server's contract. */
export const HELLOASSO_PERMISSION = permissionsFor(ACTIONS.helloassoManage);
export const BASE = '/back-office/helloasso';

export const TRIGGER_LABELS: Record<SyncTrigger, string> = {
  cron: 'Automatique',
  manual: 'Manuelle',
  notification: 'Notification HelloAsso',
};

/** HelloAsso's form types (its API's names) in French. */
export const FORM_TYPE_LABELS: Record<string, string> = {
  Membership: 'Adhésion',
  Donation: 'Don',
  Event: 'Billetterie',
  CrowdFunding: 'Collecte (crowdfunding)',
  PaymentForm: 'Vente / paiement',
  Checkout: 'Paiement en ligne',
  Shop: 'Boutique',
};
export const formTypeLabel = (formType: string) => FORM_TYPE_LABELS[formType] ?? formType;

export const useStatus = () => useGet<Status>(`${BASE}/status`);
export const useForms = (enabled: boolean) => useGet<FormsState>(enabled ? `${BASE}/forms` : null);
export const useReviews = () => useGet<Review[], { reviews: Review[] }>(`${BASE}/reviews`, { select: (body) => body.reviews });
