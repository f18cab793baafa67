import * as React from 'react';
import { Badge, Box, Button, Flex, MenuItem, SimpleMenu, Typography } from '@strapi/design-system';
import { useNotification } from '@strapi/strapi/admin';
import { ACTIONS } from '../../contract/permissions';
import { useCan, useCanContent, useDownload, useGet, usePost } from '../_lib';
import { AddVolunteersButton } from './AddVolunteersDialog';
import { MESSAGE_STATUS, MessageSummary, MissionMessageButton } from './MissionMessageDialog';
import { CreateRightNote } from './CreateRightNote';

/**
 * The « Bénévoles » panel of a mission's page: places taken / capacity, each person's status in French
 * (changed from a menu), the waiting list in order, « Ajouter des bénévoles », « Écrire aux bénévoles »
 * and the attendance sheet. Each action is shown to the roles that may do it, and the others read why.
 */
const MISSION = 'api::mission.mission';
const PARTICIPATION = 'api::participation.participation';

interface Person {
  documentId: string;
  name: string;
  status: string;
  statusLabel: string;
  waitlistPosition: number | null;
}
interface Volunteers {
  mission: { title: string; status: string };
  places: { taken: number; capacity: number | null; free: number | null };
  counts: { waitlisted: number; pending: number; cancelled: number; attended: number; absent: number };
  participations: Person[];
}

const COLORS: Record<string, string> = {
  confirmed: 'success',
  attended: 'success',
  absent: 'danger',
  waitlisted: 'warning',
  pending: 'secondary',
  cancelled: 'neutral',
};
/** What the menu offers, by current status: presence after the event, cancellation, confirmation of someone waiting. */
const CHOICES: Array<{ status: string; label: string; from: string[] }> = [
  { status: 'attended', label: 'Présent·e', from: ['confirmed', 'absent'] },
  { status: 'absent', label: 'Absent·e', from: ['confirmed', 'attended'] },
  { status: 'confirmed', label: 'Confirmé·e', from: ['waitlisted', 'pending', 'attended', 'absent', 'cancelled'] },
  { status: 'cancelled', label: 'Annulé·e', from: ['confirmed', 'waitlisted', 'pending', 'attended', 'absent'] },
];

const PersonRow = ({
  person,
  canUpdate,
  onChange,
}: {
  person: Person;
  canUpdate: boolean;
  onChange: (p: Person, status: string) => void;
}) => {
  const color = COLORS[person.status] ?? 'neutral';
  const badge = (
    <Badge backgroundColor={`${color}100`} textColor={`${color}700`}>
      {person.statusLabel}
    </Badge>
  );
  const choices = CHOICES.filter((c) => c.from.includes(person.status));
  return (
    <Flex direction="column" alignItems="flex-start" gap={1} paddingTop={1} paddingBottom={2} data-testid="mission-person">
      <Typography variant="omega" fontWeight="semiBold">
        {person.waitlistPosition ? `${person.waitlistPosition}. ` : ''}
        {person.name}
      </Typography>
      {canUpdate && choices.length ? (
        <SimpleMenu label={person.statusLabel} variant="tertiary" size="S" aria-label={`Statut de ${person.name} : ${person.statusLabel}`}>
          {choices.map((c) => (
            <MenuItem key={c.status} onSelect={() => onChange(person, c.status)}>
              {c.label}
            </MenuItem>
          ))}
        </SimpleMenu>
      ) : (
        badge
      )}
    </Flex>
  );
};

const Content = ({ documentId }: { documentId: string }) => {
  const { toggleNotification } = useNotification();
  const canRead = useCanContent('read', PARTICIPATION);
  const canCreate = useCanContent('create', PARTICIPATION);
  const canUpdateRight = useCanContent('update', PARTICIPATION);
  const canMessage = useCan(ACTIONS.missionsMessage);
  const isLoading = canRead.loading || canCreate.loading || canUpdateRight.loading || canMessage.loading;
  const base = `/back-office/missions/${documentId}`;
  const volunteers = useGet<Volunteers, { data: Volunteers }>(canRead.allowed ? `${base}/volunteers` : null, {
    select: (body) => body.data,
  });
  const sent = useGet<MessageSummary[], { data: MessageSummary[] }>(canMessage.allowed ? `${base}/messages` : null, {
    select: (body) => body.data,
  });
  // the answer of a status change, shown until the next load
  const [changed, setChanged] = React.useState<Volunteers | null>(null);
  const { send } = usePost<{ data: Volunteers }>();
  const { download, error: sheetError, clearError } = useDownload();
  const data = changed ?? volunteers.data ?? null;
  const error = volunteers.error;
  const messages = React.useMemo(() => sent.data ?? [], [sent.data]);
  const reloadVolunteers = volunteers.reload;
  const load = React.useCallback(() => {
    setChanged(null);
    reloadVolunteers();
  }, [reloadVolunteers]);
  const loadMessages = sent.reload;
  // while a message is being sent, its counts move
  React.useEffect(() => {
    if (!messages.some((m) => m.status === 'sending')) return;
    const t = setInterval(loadMessages, 2000);
    return () => clearInterval(t);
  }, [messages, loadMessages]);
  React.useEffect(() => {
    if (!sheetError) return;
    toggleNotification({ type: 'danger', message: sheetError });
    clearError();
  }, [sheetError, clearError, toggleNotification]);

  const change = async (person: Person, status: string) => {
    const res = await send(`${base}/participations/${person.documentId}`, { status }, { method: 'PUT' });
    if (res.error !== undefined) {
      toggleNotification({ type: 'danger', message: res.error });
      return;
    }
    setChanged(res.data.data);
    const now = res.data.data.participations.find((p) => p.documentId === person.documentId);
    toggleNotification({ type: 'success', message: `${person.name} : ${now?.statusLabel ?? status}` });
  };
  const sheet = () => download(`${base}/attendance-sheet.pdf`, 'feuille-emargement.pdf');

  if (isLoading) return null;
  if (!canRead.allowed) return <CreateRightNote uid={PARTICIPATION} what="Voir les bénévoles de la mission" />;
  if (error) return <Typography textColor="danger600">{error}</Typography>;
  if (!data) return <Typography variant="pi">Chargement…</Typography>;
  const seated = data.participations.filter((p) => ['confirmed', 'attended', 'absent'].includes(p.status));
  const waiting = data.participations.filter((p) => p.status === 'waitlisted');
  const others = data.participations.filter((p) => ['pending', 'cancelled'].includes(p.status));
  const { taken, capacity, free } = data.places;
  const canUpdate = canUpdateRight.allowed;

  return (
    <Flex direction="column" alignItems="stretch" gap={3} width="100%" data-testid="mission-volunteers">
      <Box>
        <Typography variant="omega" fontWeight="bold" tag="p" data-testid="mission-places">
          {capacity === null
            ? `${taken} place${taken > 1 ? 's' : ''} prise${taken > 1 ? 's' : ''} (sans limite)`
            : `Places prises : ${taken} / ${capacity}`}
        </Typography>
        <Typography variant="pi" textColor="neutral600" tag="p">
          {capacity === null ? '' : free ? `${free} place${free > 1 ? 's' : ''} libre${free > 1 ? 's' : ''}` : 'Mission complète'}
          {waiting.length ? ` · ${waiting.length} en liste d’attente` : ''}
        </Typography>
      </Box>
      <Box style={{ maxHeight: '360px', overflowY: 'auto' }}>
        {seated.length === 0 && (
          <Typography variant="pi" textColor="neutral600">
            Personne n’est encore inscrit.
          </Typography>
        )}
        {seated.map((p) => (
          <PersonRow key={p.documentId} person={p} canUpdate={canUpdate} onChange={change} />
        ))}
        {waiting.length > 0 && (
          <Box paddingTop={2} data-testid="mission-waitlist">
            <Typography variant="sigma" textColor="neutral600">
              Liste d’attente (dans l’ordre)
            </Typography>
            {waiting.map((p) => (
              <PersonRow key={p.documentId} person={p} canUpdate={canUpdate} onChange={change} />
            ))}
          </Box>
        )}
        {others.length > 0 && (
          <Box paddingTop={2}>
            <Typography variant="sigma" textColor="neutral600">
              Autres
            </Typography>
            {others.map((p) => (
              <PersonRow key={p.documentId} person={p} canUpdate={canUpdate} onChange={change} />
            ))}
          </Box>
        )}
      </Box>
      {canCreate.allowed ? (
        data.mission.status === 'cancelled' ? (
          <Typography variant="pi" textColor="neutral600">
            Mission annulée : on ne peut plus y inscrire personne.
          </Typography>
        ) : (
          <AddVolunteersButton mission={documentId} onAdded={load} />
        )
      ) : (
        <CreateRightNote uid={PARTICIPATION} what="Ajouter des bénévoles" />
      )}
      {canMessage.allowed ? (
        <MissionMessageButton mission={documentId} onSent={loadMessages} />
      ) : (
        <Typography variant="pi" textColor="neutral600" data-testid="message-right-note">
          « Écrire aux bénévoles » : réservé aux rôles qui ont le droit « Écrire par e-mail aux bénévoles d’une mission » (par défaut, la
          responsable des bénévoles et le président).
        </Typography>
      )}
      <Button variant="tertiary" fullWidth onClick={sheet}>
        Feuille d’émargement (PDF)
      </Button>
      {messages.length > 0 && (
        <Box data-testid="mission-messages">
          <Typography variant="sigma" textColor="neutral600">
            Messages envoyés
          </Typography>
          {messages.slice(0, 5).map((m) => (
            <Typography key={m.documentId} variant="pi" tag="p">
              « {m.subject} » — {m.sentCount}/{m.recipientsCount} {MESSAGE_STATUS[m.status]}
              {m.failedCount ? `, ${m.failedCount} en échec` : ''}
            </Typography>
          ))}
        </Box>
      )}
    </Flex>
  );
};

/** Side panel of a mission's edit view (saved missions only). */
export const MissionVolunteersPanel = ({ model, documentId }: { model: string; documentId?: string }) => {
  if (model !== MISSION) return null;
  if (!documentId)
    return {
      title: 'Bénévoles',
      content: <Typography variant="pi">Enregistrez d’abord la mission : vous pourrez ensuite y inscrire des bénévoles.</Typography>,
    };
  return { title: 'Bénévoles', content: <Content documentId={documentId} /> };
};
