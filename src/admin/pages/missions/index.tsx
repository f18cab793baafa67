import * as React from 'react';
import { Box, Flex, Typography } from '@strapi/design-system';
import { formatCentsAsEuros as euros, formatDateTime, formatHours } from '../../../contract/format';
import { enumLabel } from '../../../contract/labels';
import { useCanContent, useGet } from '../../_lib';
import type { AdminPage } from '../index';
import { addEditViewSidePanels, type PanelProps } from '../../components/panels';

/**
 * Side panels of the content manager's edit views: on a mission, the overlap warning and the
 * budget planned vs actual; on a member, their missions and hours.
 */
const MISSION = 'api::mission.mission';
const MEMBER = 'api::member.member';

const frenchDate = (iso: string) => formatDateTime(iso, 'medium');
const toCents = (v: unknown) => (v === null || v === undefined || v === '' ? null : Math.round(Number(v) * 100));
const missionLink = (documentId: string) => `/admin/content-manager/collection-types/${MISSION}/${documentId}`;

const participationStatus = (status: string) => enumLabel('api::participation.participation', 'status', status);

/** The back-office routes wrap their answer in `data`. */
const useBackOfficeData = <T,>(url: string) => useGet(url, { select: (body: { data: T }) => body.data });

interface Overlaps {
  overlaps: Array<{
    member: { documentId: string; name: string };
    missions: Array<{ documentId: string; title: string; startAt: string }>;
  }>;
}

const OverlapWarning = ({ documentId }: { documentId: string }) => {
  const { data, error } = useBackOfficeData<Overlaps>(`/back-office/missions/${documentId}/overlaps`);
  if (error) return <Typography textColor="danger600">{error}</Typography>;
  if (!data) return null;
  if (!data.overlaps.length)
    return (
      <Typography variant="pi" textColor="neutral600">
        Aucun bénévole n’est pris sur une autre mission au même moment.
      </Typography>
    );
  return (
    <Flex direction="column" alignItems="stretch" gap={2} data-testid="mission-overlaps">
      <Typography variant="pi" fontWeight="bold" textColor="warning700">
        Attention : {data.overlaps.length} bénévole(s) déjà sur une autre mission au même moment
      </Typography>
      {data.overlaps.map((o) => (
        <Typography key={o.member.documentId} variant="pi">
          {o.member.name} :{' '}
          {o.missions.map((m, i) => (
            <React.Fragment key={m.documentId}>
              {i > 0 && ', '}
              <a href={missionLink(m.documentId)}>{m.title}</a> ({frenchDate(m.startAt)})
            </React.Fragment>
          ))}
        </Typography>
      ))}
    </Flex>
  );
};

const Budget = ({ planned, actual }: { planned: unknown; actual: unknown }) => {
  const p = toCents(planned);
  const a = toCents(actual);
  if (p === null && a === null)
    return (
      <Typography variant="pi" textColor="neutral600">
        Aucun budget saisi.
      </Typography>
    );
  const diff = p !== null && a !== null ? a - p : null;
  return (
    <Flex direction="column" alignItems="stretch" gap={1} data-testid="mission-budget">
      <Typography variant="pi">Prévu : {p === null ? '—' : euros(p)}</Typography>
      <Typography variant="pi">Réel : {a === null ? '—' : euros(a)}</Typography>
      {diff !== null && (
        <Typography variant="pi" fontWeight="bold" textColor={diff > 0 ? 'danger600' : 'success600'}>
          {diff > 0 ? `Dépassement : ${euros(diff)}` : diff < 0 ? `Économie : ${euros(-diff)}` : 'Budget respecté'}
        </Typography>
      )}
    </Flex>
  );
};

const Section = ({ title, children }: { title: string; children: React.ReactNode }) => (
  <Box paddingBottom={3} width="100%">
    <Typography variant="sigma" textColor="neutral600" tag="h3">
      {title}
    </Typography>
    <Box paddingTop={1}>{children}</Box>
  </Box>
);

const MissionPanel = ({ model, documentId, document }: PanelProps) => {
  if (model !== MISSION || !documentId) return null;
  return {
    title: 'Bénévoles et logistique',
    content: (
      <Box width="100%">
        <Section title="Chevauchements">
          <OverlapWarning documentId={documentId} />
        </Section>
        <Section title="Budget">
          <Budget planned={document?.budgetPlanned} actual={document?.budgetActual} />
        </Section>
        {Array.isArray(document?.equipment) && document.equipment.length > 0 && (
          <Section title="Matériel">
            {document.equipment.map((e: { item: string; quantity?: number | null }, i: number) => (
              <Typography key={i} variant="pi" tag="p">{`${e.quantity ?? 1} × ${e.item}`}</Typography>
            ))}
          </Section>
        )}
      </Box>
    ),
  };
};

interface History {
  participations: Array<{
    documentId: string;
    status: string;
    hours: number;
    mission: { documentId: string; title: string; startAt: string };
    overlapsWith: string[];
  }>;
  totals: { missions: number; attended: number; hours: number };
}

const MemberHistory = ({ documentId }: { documentId: string }) => {
  const { data, error } = useBackOfficeData<History>(`/back-office/members/${documentId}/missions`);
  if (error) return <Typography textColor="danger600">{error}</Typography>;
  if (!data) return null;
  return (
    <Flex direction="column" alignItems="stretch" gap={2} data-testid="member-missions">
      <Typography variant="pi" fontWeight="bold">
        {data.totals.missions} mission(s), {data.totals.attended} réalisée(s), {formatHours(data.totals.hours)} de bénévolat
      </Typography>
      {data.participations.slice(0, 15).map((p) => (
        <Box key={p.documentId}>
          <Typography variant="pi" tag="p">
            <a href={missionLink(p.mission.documentId)}>{p.mission.title}</a> — {frenchDate(p.mission.startAt)}
          </Typography>
          <Typography variant="pi" textColor="neutral600" tag="p">
            {participationStatus(p.status)}
            {p.hours ? ` · ${formatHours(p.hours)}` : ''}
          </Typography>
          {p.overlapsWith.length > 0 && (
            <Typography variant="pi" textColor="warning700" tag="p">
              Au même moment : {p.overlapsWith.join(', ')}
            </Typography>
          )}
        </Box>
      ))}
    </Flex>
  );
};

/** A role that does not read participations (the treasurer) reads why the history is not shown, not a refusal in English. */
const MemberHistoryIfAllowed = ({ documentId }: { documentId: string }) => {
  const { allowed, loading } = useCanContent('read', 'api::participation.participation');
  if (loading) return null;
  if (!allowed) {
    return (
      <Typography variant="pi" textColor="neutral600">
        Réservé aux rôles qui consultent les participations (responsable des bénévoles, secrétaire, président).
      </Typography>
    );
  }
  return <MemberHistory documentId={documentId} />;
};

const MemberPanel = ({ model, documentId }: PanelProps) => {
  if (model !== MEMBER || !documentId) return null;
  return { title: 'Missions et heures', content: <MemberHistoryIfAllowed documentId={documentId} /> };
};

const missionPanels: AdminPage = {
  bootstrap(app) {
    addEditViewSidePanels(app, [MissionPanel, MemberPanel]);
  },
};

export default missionPanels;
