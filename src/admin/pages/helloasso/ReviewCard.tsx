import type { ReactNode } from 'react';
import { Box, Button, Flex, Typography } from '@strapi/design-system';
import { formatDate, formatDateTime, formatEuros, NONE } from '../../../contract/format';
import { personName } from '../../../contract/display-names';
import type { Candidate, Review, ResolveBody } from './api';

export type Resolution = ResolveBody;

export const fullName = (p: Review['person']) => personName(p) || 'Personne sans nom';
/** The member's display name already ends with « (n° 42) » once the member has a number (src/contract/display-names.ts). */
const memberLabel = (c: Candidate) =>
  c.memberNumber === null || c.memberNumber === undefined || c.displayName.includes(`n° ${c.memberNumber}`)
    ? c.displayName
    : `${c.displayName} (n° ${c.memberNumber})`;

const Line = ({ label, children }: { label: string; children: ReactNode }) => (
  <Typography tag="p">
    <Typography fontWeight="bold">{label} : </Typography>
    {children}
  </Typography>
);

/** What a candidate is called and how it is told apart: a member (number, e-mail, birth date) or a donor (e-mail, city). */
const candidateView = (review: Review, c: Candidate) =>
  review.candidateKind === 'donor'
    ? { label: c.displayName, details: [c.email || 'sans e-mail', c.city || 'ville inconnue'], how: { donor: c.documentId } as Resolution }
    : {
        label: memberLabel(c),
        details: [c.email || 'sans e-mail', c.birthDate ? `né(e) le ${formatDate(c.birthDate)}` : 'date de naissance inconnue'],
        how: { member: c.documentId } as Resolution,
      };

/** One payment to check: who paid, for what, why it waits, and the ways to settle it. */
export const ReviewCard = ({
  review,
  busy,
  onResolve,
}: {
  review: Review;
  busy: boolean;
  onResolve: (r: Review, how: Resolution, label: string) => void;
}) => {
  const p = review.person;
  const donor = review.candidateKind === 'donor';
  return (
    <Box padding={4} hasRadius borderColor="neutral200" data-testid="helloasso-review">
      <Flex direction="column" alignItems="stretch" gap={2}>
        <Typography variant="epsilon" fontWeight="bold" tag="h3">
          {fullName(p)}
        </Typography>
        <Line label="E-mail">{p.email || NONE}</Line>
        {!donor && <Line label="Date de naissance">{formatDate(p.birthDate)}</Line>}
        <Line label="Paiement">
          {review.formTitle}
          {review.tier ? ` — ${review.tier}` : ''} — {formatEuros(review.amount)} le {formatDateTime(review.date, 'medium')}
        </Line>
        <Line label="À vérifier parce que">{review.reason}</Line>
        {review.candidates.length > 0 && (
          <Typography tag="p" textColor="neutral600">
            {donor ? 'Donateurs qui pourraient être cette personne :' : 'Adhérents qui pourraient être cette personne :'}
          </Typography>
        )}
        {review.candidates.map((c) => {
          const v = candidateView(review, c);
          return (
            <Flex key={c.documentId} gap={3} wrap="wrap">
              <Button variant="secondary" size="S" disabled={busy} onClick={() => onResolve(review, v.how, `rattaché à ${v.label}`)}>
                Rattacher à {v.label}
              </Button>
              <Typography textColor="neutral600">{v.details.join(', ')}</Typography>
            </Flex>
          );
        })}
        <Box>
          <Button
            variant="default"
            size="S"
            disabled={busy}
            onClick={() =>
              donor
                ? onResolve(review, { createDonor: true }, 'enregistré avec un nouveau donateur')
                : onResolve(review, { createMember: true }, 'enregistré avec un nouvel adhérent')
            }
          >
            {donor ? 'Créer un nouveau donateur' : 'Créer un nouvel adhérent'}
          </Button>
        </Box>
      </Flex>
    </Box>
  );
};
