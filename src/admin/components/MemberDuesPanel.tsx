import * as React from 'react';
import { Flex, Typography } from '@strapi/design-system';
import { useCanContent } from '../_lib';
import { RecordContributionButton } from './RecordContributionDialog';
import { CreateRightNote } from './CreateRightNote';
import { frenchDay } from './format';
import type { PanelProps } from './panels';

const MEMBER = 'api::member.member';
const CONTRIBUTION = 'api::contribution.contribution';

const Content = ({ documentId, document }: Pick<PanelProps, 'documentId' | 'document'>) => {
  const { allowed: canCreate, loading: isLoading } = useCanContent('create', CONTRIBUTION);
  const [paidUntil, setPaidUntil] = React.useState<string | null | undefined>(undefined);
  const shown = paidUntil === undefined ? (document?.duesPaidUntil ?? null) : paidUntil;
  const name = [document?.firstName, document?.lastName].filter(Boolean).join(' ');
  return (
    <Flex direction="column" alignItems="stretch" gap={3} width="100%" data-testid="member-dues-panel">
      <Typography variant="omega" fontWeight="bold" data-testid="member-paid-until">
        Payée jusqu’au : {frenchDay(shown)}
      </Typography>
      {!documentId ? (
        <Typography variant="pi" textColor="neutral600">
          Enregistrez d’abord la fiche : vous pourrez ensuite saisir sa cotisation.
        </Typography>
      ) : isLoading ? null : canCreate ? (
        <RecordContributionButton member={{ documentId, name }} onRecorded={(r) => setPaidUntil(r.member.duesPaidUntil)} />
      ) : (
        <CreateRightNote uid={CONTRIBUTION} what="Enregistrer une cotisation" />
      )}
    </Flex>
  );
};

/** Side panel of a member's edit view: their « payée jusqu’au » and « Enregistrer une cotisation ». */
export const MemberDuesPanel = ({ model, documentId, document }: PanelProps) => {
  if (model !== MEMBER) return null;
  return { title: 'Cotisation', content: <Content documentId={documentId} document={document} /> };
};
