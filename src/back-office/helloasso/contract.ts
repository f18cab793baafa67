/**
 * The answers of the HelloAsso routes (/back-office/helloasso/…), shared by the server (admin.ts) and
 * the admin page (src/admin/pages/helloasso): pure types, no server import.
 */

export interface Created {
  members: number;
  contributions: number;
  donors: number;
  donations: number;
  participations: number;
}
/** What a synchronisation (or the resolution of a payment to check) did. */
export interface SyncResult {
  created: Created;
  updated: number;
  refunded: number;
  toReview: number;
  errors: string[];
}
export type SyncTrigger = 'cron' | 'manual' | 'notification';
export interface SyncRun extends SyncResult {
  id: number | string;
  trigger: SyncTrigger;
  startedAt: string;
  finishedAt: string | null;
}
export interface Status {
  configured: boolean;
  connected: boolean;
  organization: string | null;
  error: string | null;
  lastSyncs: SyncRun[];
  toReviewCount: number;
}

export type MappingKind = 'membership' | 'donation' | 'mission' | 'ignored';
export interface MembershipTypeChoice {
  documentId: string;
  name: string;
}
export interface MissionChoice {
  documentId: string;
  title: string;
  startsAt: string | null;
}
export interface Mapping {
  kind: MappingKind | null;
  membershipType: MembershipTypeChoice | null;
  campaign: string | null;
  mission: { documentId: string; title: string } | null;
}
export interface HelloAssoForm {
  formSlug: string;
  formType: string;
  title: string;
  /** mapped after its orders: the next synchronisation reads them all (« à reprendre ») */
  pastOrdersPending: boolean;
  mapping: Mapping;
}
export interface FormsState {
  forms: HelloAssoForm[];
  choices: { membershipTypes: MembershipTypeChoice[]; missions: MissionChoice[] };
}
/** The body of PUT /forms/:formType/:formSlug. */
export interface MappingBody {
  kind: MappingKind;
  membershipType?: string;
  campaign?: string;
  mission?: string;
}

/** A record the waiting item could belong to: a member (a membership), or a donor (a donation: no number nor birth date, a city). */
export interface Candidate {
  documentId: string;
  memberNumber: number | string | null;
  displayName: string;
  email: string | null;
  birthDate: string | null;
  city?: string | null;
}
export type CandidateKind = 'member' | 'donor';
/** The body of POST /reviews/:id/resolve: a member review takes a member, a donor review a donor. */
export type ResolveBody = { member: string } | { createMember: true } | { donor: string } | { createDonor: true };
export interface Review {
  id: number | string;
  itemType: string;
  itemId: number | string;
  orderId: number | string;
  date: string;
  amount: string;
  formTitle: string;
  tier: string | null;
  person: { firstName: string | null; lastName: string | null; email: string | null; birthDate: string | null };
  reason: string;
  /** what the candidates are (and what the resolution takes) */
  candidateKind: CandidateKind;
  candidates: Candidate[];
}
