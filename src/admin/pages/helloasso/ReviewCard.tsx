import type { ReactNode } from 'react';
import { Box, Button, Flex, Typography } from '@strapi/design-system';
import { formatDate, formatDateTime, formatEuros, NONE } from '../../../shared/format';
import { personName } from '../../../shared/display-names';
import type { Candidate, Review } from './api';

export type Resolution = { member: string } | { createMember: true };

export const fullName = (p: Review['person']) => personName(p) || 'Personne sans nom';
/** The member's display name already ends with « (n° 42) » once the member has a number (src/shared/display-names.ts). */
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
  return (
    <Box padding={4} hasRadius borderColor="neutral200" data-testid="helloasso-review">
      <Flex direction="column" alignItems="stretch" gap={2}>
        <Typography variant="epsilon" fontWeight="bold" tag="h3">
          {fullName(p)}
        </Typography>
        <Line label="E-mail">{p.email || NONE}</Line>
        <Line label="Date de naissance">{formatDate(p.birthDate)}</Line>
        <Line label="Paiement">
          {review.formTitle}
          {review.tier ? ` — ${review.tier}` : ''} — {formatEuros(review.amount)} le {formatDateTime(review.date, 'medium')}
        </Line>
        <Line label="À vérifier parce que">{review.reason}</Line>
        {review.candidates.length > 0 && (
          <Typography tag="p" textColor="neutral600">
            Adhérents qui pourraient être cette personne :
          </Typography>
        )}
        {review.candidates.map((c) => (
          <Flex key={c.documentId} gap={3} wrap="wrap">
            <Button
              variant="secondary"
              size="S"
              disabled={busy}
              onClick={() => onResolve(review, { member: c.documentId }, `rattaché à ${memberLabel(c)}`)}
            >
              Rattacher à {memberLabel(c)}
            </Button>
            <Typography textColor="neutral600">
              {[c.email || 'sans e-mail', c.birthDate ? `né(e) le ${formatDate(c.birthDate)}` : 'date de naissance inconnue'].join(', ')}
            </Typography>
          </Flex>
        ))}
        <Box>
          <Button
            variant="default"
            size="S"
            disabled={busy}
            onClick={() => onResolve(review, { createMember: true }, 'enregistré avec un nouvel adhérent')}
          >
            Créer un nouvel adhérent
          </Button>
        </Box>
      </Flex>
    </Box>
  );
};
