/**
 * THE rule for `displayName`, the name the admin shows for a member, a donor or a participation
 * (relation pickers, lists, the dues page and e-mails): three "Martin" are told apart by their first
 * name and member number, a company by its name, a participation of a member by the member's name.
 * Pure functions: the server stores their result (src/back-office/rules/display-names.ts), the admin
 * pages and the e-mails format names with them.
 */

import { formatDate } from './format';

/** Strapi's string column (varchar 255 on PostgreSQL). */
const MAX_LENGTH = 255;

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v).trim());

/** null when empty; cut (with an ellipsis) when longer than the column. */
const fit = (s: string) => (!s ? null : s.length > MAX_LENGTH ? `${s.slice(0, MAX_LENGTH - 1)}\u2026` : s);

/** "Nom Prénom", with what there is. */
export const personName = (p: { lastName?: unknown; firstName?: unknown } | null | undefined) =>
  [text(p?.lastName), text(p?.firstName)].filter(Boolean).join(' ');

/** "Martin Claire (n° 42)"; "Martin Claire" before the member has a number. */
export const memberDisplayName = (m: { lastName?: unknown; firstName?: unknown; memberNumber?: unknown }) => {
  const name = personName(m);
  const number = text(m.memberNumber) ? `n° ${text(m.memberNumber)}` : '';
  return fit(name && number ? `${name} (${number})` : name || number);
};

/** A company: "Boulangerie Durand (Durand Paul)", its contact in parentheses when known; a person: "Nom Prénom". */
export const donorDisplayName = (d: {
  kind?: unknown;
  companyName?: unknown;
  lastName?: unknown;
  firstName?: unknown;
  email?: unknown;
}) => {
  const company = text(d.companyName);
  const person = personName(d);
  if (d.kind === 'company' && company) return fit(person ? `${company} (${person})` : company);
  return fit(person || company || text(d.email));
};

/**
 * The member's "Nom Prénom" when the participation is a member's (its own name fields are then
 * usually empty), else the person's own "Nom Prénom" (the e-mail when a website form gave no name).
 */
export const participationDisplayName = (
  p: { lastName?: unknown; firstName?: unknown; email?: unknown },
  member: { lastName?: unknown; firstName?: unknown } | null | undefined
) => fit((member && personName(member)) || personName(p) || text(p.email));

/**
 * A contribution: its member and the period it pays, « Martin Claire (n° 42) — du 01/01/2026 au
 * 31/12/2026 » (« — payée le 30/11/2026 » without a period), never a bare date.
 */
export const contributionDisplayName = (
  c: { periodStart?: unknown; periodEnd?: unknown; paidAt?: unknown },
  member: { displayName?: unknown; lastName?: unknown; firstName?: unknown; memberNumber?: unknown } | null | undefined
) => {
  const who = text(member?.displayName) || (member ? memberDisplayName(member) : '') || 'Sans adhérent';
  const start = text(c.periodStart);
  const end = text(c.periodEnd);
  const paid = text(c.paidAt);
  const what =
    start && end
      ? `du ${formatDate(start)} au ${formatDate(end)}`
      : end
        ? `jusqu\u2019au ${formatDate(end)}`
        : paid
          ? `payée le ${formatDate(paid)}`
          : '';
  return fit(what ? `${who} \u2014 ${what}` : who);
};
