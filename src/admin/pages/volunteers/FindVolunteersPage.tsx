import * as React from 'react';
import { Layouts, Page } from '@strapi/strapi/admin';
import { Box, Button, Combobox, ComboboxOption, Field, Flex, Typography } from '@strapi/design-system';
import { Download } from '@strapi/icons';
import {
  EMPTY_FILTERS,
  Filters,
  searchParams,
  useVolunteerSearch,
  VolunteerFilters,
  VolunteerResults,
} from '../../components/VolunteerSearch';
import { AddResult, AddResultView, OverlapWarning } from '../../components/AddVolunteersDialog';
import { CreateRightNote } from '../../components/CreateRightNote';
import { frenchDateTime } from '../../components/format';
import { contentPermission, useCanContent, useDownload, useGet, usePost } from '../../_lib';
import type { OpenMission } from './open-missions';

/**
 * « Trouver des bénévoles »: the members who match every criterion, exportable as CSV, and the
 * selection added to a mission in one click (each confirmed or put on the waiting list).
 */
export const READ_MEMBERS = [contentPermission('read', 'api::member.member')];
const PARTICIPATION = 'api::participation.participation';

const placesText = (m: OpenMission) =>
  m.places.capacity === null
    ? `${m.places.taken} inscrit(s), sans limite`
    : `${m.places.taken}/${m.places.capacity} places${m.places.free ? '' : ', complète'}`;

const missionLabel = (m: OpenMission) => `${m.title} — ${frenchDateTime(m.startAt)} (${placesText(m)})`;

const MissionPicker = ({ value, onChange }: { value: OpenMission | null; onChange: (m: OpenMission | null) => void }) => {
  const [text, setText] = React.useState('');
  // once a mission is chosen, the field shows its label: that is not a new search
  const search = value && text === missionLabel(value) ? null : text;
  // asked once the typing pauses
  const [asked, setAsked] = React.useState('');
  React.useEffect(() => {
    if (search === null) return;
    const t = setTimeout(() => setAsked(search), 250);
    return () => clearTimeout(t);
  }, [search]);
  const found = useGet<OpenMission[], { data: OpenMission[] }>('/back-office/missions/open', {
    params: { search: asked },
    select: (body) => body.data,
  });
  const missions = found.error ? [] : (found.data ?? []);
  const options = value && !missions.some((m) => m.documentId === value.documentId) ? [value, ...missions] : missions;
  return (
    <Field.Root name="mission">
      <Field.Label>Mission</Field.Label>
      <Combobox
        placeholder="Choisissez une mission à venir"
        value={value?.documentId}
        textValue={text}
        onTextValueChange={setText}
        // the server has filtered: a filter other than 'contains' or 'startsWith' keeps every option shown
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the design system's Combobox types name only its two string filters
        autocomplete={{ type: 'list', filter: () => true } as any}
        onChange={(v?: string) => {
          const picked = options.find((m) => m.documentId === v);
          if (picked) onChange(picked);
          else if (!v) onChange(null);
        }}
        onClear={() => {
          setText('');
          onChange(null);
        }}
        noOptionsMessage={() => 'Aucune mission à venir'}
        data-testid="mission-picker"
      >
        {options.map((m) => (
          <ComboboxOption key={m.documentId} value={m.documentId}>
            {missionLabel(m)}
          </ComboboxOption>
        ))}
      </Combobox>
    </Field.Root>
  );
};

const FindVolunteersPage = () => {
  const canAdd = useCanContent('create', PARTICIPATION);
  const { send } = usePost<{ data: AddResult }>();
  const csv = useDownload();
  const [filters, setFilters] = React.useState<Filters>(EMPTY_FILTERS);
  const [selected, setSelected] = React.useState<Set<string>>(new Set());
  const [mission, setMission] = React.useState<OpenMission | null>(null);
  const [result, setResult] = React.useState<AddResult | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  const [busy, setBusy] = React.useState<'csv' | 'add' | null>(null);
  const search = useVolunteerSearch(filters, mission?.documentId);

  const exportCsv = async () => {
    setBusy('csv');
    setError(null);
    await csv.download(`/back-office/volunteers/export.csv?${searchParams(filters)}`, 'benevoles.csv');
    setBusy(null);
  };
  React.useEffect(() => {
    if (csv.error) setError(csv.error);
  }, [csv.error]);
  const add = async () => {
    if (!mission) return;
    setBusy('add');
    setError(null);
    const res = await send(`/back-office/missions/${mission.documentId}/volunteers`, { members: [...selected] });
    setBusy(null);
    if (res.error !== undefined) return setError(res.error);
    setResult(res.data.data);
    setSelected(new Set());
    search.reload();
  };

  return (
    <Page.Main>
      <Page.Title>Trouver des bénévoles</Page.Title>
      <Layouts.Header
        title="Trouver des bénévoles"
        subtitle="Par compétence, disponibilité, pôle, ville et âge ; puis l’export ou l’ajout à une mission"
        primaryAction={
          <Button variant="secondary" startIcon={<Download />} onClick={exportCsv} loading={busy === 'csv'}>
            Exporter en CSV
          </Button>
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={5}>
          <Box background="neutral0" padding={5} hasRadius shadow="tableShadow">
            <VolunteerFilters filters={filters} onChange={setFilters} />
          </Box>
          <Box background="neutral0" padding={5} hasRadius shadow="tableShadow">
            <Flex direction="column" alignItems="stretch" gap={3}>
              <Typography variant="delta" tag="h2">
                Ajouter la sélection à une mission
              </Typography>
              {canAdd.allowed ? (
                <>
                  <Flex gap={3} alignItems="flex-end" wrap="wrap">
                    <Box width="520px">
                      <MissionPicker value={mission} onChange={setMission} />
                    </Box>
                    <Button onClick={add} loading={busy === 'add'} disabled={!mission || !selected.size} data-testid="add-to-mission">
                      {selected.size
                        ? `Ajouter ${selected.size} personne${selected.size > 1 ? 's' : ''} à la mission`
                        : 'Ajouter à la mission'}
                    </Button>
                  </Flex>
                  {mission && <OverlapWarning mission={mission.documentId} selected={selected} />}
                  {result && <AddResultView result={result} />}
                </>
              ) : (
                <CreateRightNote uid={PARTICIPATION} what="Ajouter des bénévoles à une mission" />
              )}
              {error && (
                <Typography textColor="danger600" role="alert">
                  {error}
                </Typography>
              )}
            </Flex>
          </Box>
          <VolunteerResults {...search} selected={selected} onSelect={setSelected} showRegistration={Boolean(mission)} />
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};

const ProtectedFindVolunteersPage = () => (
  <Page.Protect permissions={READ_MEMBERS}>
    <FindVolunteersPage />
  </Page.Protect>
);

export default ProtectedFindVolunteersPage;
