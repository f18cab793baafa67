import * as React from 'react';
import { Alert, Badge, Box, Button, Flex, Modal, Typography } from '@strapi/design-system';
import { useGet, usePost } from '../_lib';
import { EMPTY_FILTERS, Filters, useVolunteerSearch, VolunteerFilters, VolunteerResults } from './VolunteerSearch';
import { frenchDateTime } from './format';

/**
 * « Ajouter des bénévoles » on a mission's page: search, select several, see who is elsewhere at the
 * same time, add them at once (POST /back-office/missions/:id/volunteers); each one is confirmed or
 * put on the waiting list by the capacity rule, and the dialog says which.
 */
export interface AddResult {
  added: Array<{ member: string; name: string; outcome: 'confirmed' | 'waitlisted' | 'already'; statusLabel: string }>;
  message: string;
}
interface Overlaps {
  overlaps: Array<{
    member: { documentId: string; name: string };
    missions: Array<{ documentId: string; title: string; startAt: string }>;
  }>;
}

/** Who among the selection is on another mission at the same time (a warning, not a refusal). */
export const OverlapWarning = ({ mission, selected }: { mission: string; selected: Set<string> }) => {
  const key = [...selected].sort().join(',');
  // asked once the selection stops changing for a moment
  const [asked, setAsked] = React.useState(key);
  React.useEffect(() => {
    const t = setTimeout(() => setAsked(key), 250);
    return () => clearTimeout(t);
  }, [key]);
  const { data } = useGet<Overlaps, { data: Overlaps }>(asked ? `/back-office/missions/${mission}/candidate-overlaps` : null, {
    params: { members: asked },
    select: (body) => body.data,
  });
  if (!key || !data?.overlaps.length) return null;
  return (
    <Alert variant="warning" title="Déjà pris au même moment" closeLabel="Masquer" data-testid="candidate-overlaps">
      {data.overlaps.map((o) => (
        <Typography key={o.member.documentId} tag="p">
          {o.member.name} : {o.missions.map((m) => `« ${m.title} » (${frenchDateTime(m.startAt)})`).join(', ')}
        </Typography>
      ))}
    </Alert>
  );
};

export const OUTCOME_COLORS = { confirmed: 'success', waitlisted: 'warning', already: 'neutral' } as const;

/** What each person became: confirmed, waiting list, or already there. */
export const AddResultView = ({ result }: { result: AddResult }) => (
  <Flex direction="column" alignItems="stretch" gap={2} data-testid="add-result">
    <Typography fontWeight="bold">{result.message}</Typography>
    {result.added.map((a) => (
      <Flex key={a.member} gap={2} data-testid="add-result-row">
        <Badge backgroundColor={`${OUTCOME_COLORS[a.outcome]}100`} textColor={`${OUTCOME_COLORS[a.outcome]}700`}>
          {a.outcome === 'already' ? `Déjà inscrit·e (${a.statusLabel})` : a.statusLabel}
        </Badge>
        <Typography>{` — ${a.name}`}</Typography>
      </Flex>
    ))}
  </Flex>
);

export const AddVolunteersButton = ({ mission, onAdded }: { mission: string; onAdded: () => void }) => {
  const { send, loading: busy, error, clearError } = usePost<{ data: AddResult }>();
  const [open, setOpen] = React.useState(false);
  const [filters, setFilters] = React.useState<Filters>(EMPTY_FILTERS);
  const [selected, setSelected] = React.useState<Set<string>>(new Set());
  const [result, setResult] = React.useState<AddResult | null>(null);
  const search = useVolunteerSearch(filters, mission);

  const reset = (next: boolean) => {
    setOpen(next);
    if (next) {
      setSelected(new Set());
      setResult(null);
      clearError();
      search.reload();
    }
  };
  const add = async () => {
    const res = await send(`/back-office/missions/${mission}/volunteers`, { members: [...selected] });
    if (res.error !== undefined) return;
    setResult(res.data.data);
    setSelected(new Set());
    search.reload();
    onAdded();
  };

  return (
    <Modal.Root open={open} onOpenChange={reset}>
      <Modal.Trigger>
        <Button fullWidth>Ajouter des bénévoles</Button>
      </Modal.Trigger>
      <Modal.Content style={{ maxWidth: '1100px', width: '95vw' }}>
        <Modal.Header closeLabel="Fermer">
          <Modal.Title>Ajouter des bénévoles</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={4}>
            {result && <AddResultView result={result} />}
            <VolunteerFilters filters={filters} onChange={setFilters} />
            <OverlapWarning mission={mission} selected={selected} />
            <Box>
              <VolunteerResults {...search} selected={selected} onSelect={setSelected} showRegistration />
            </Box>
            {error && (
              <Typography textColor="danger600" role="alert">
                {error}
              </Typography>
            )}
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">Fermer</Button>
          </Modal.Close>
          <Button onClick={add} loading={busy} disabled={!selected.size} data-testid="add-volunteers-submit">
            {selected.size ? `Ajouter ${selected.size} personne${selected.size > 1 ? 's' : ''}` : 'Ajouter'}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
