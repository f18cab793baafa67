import * as React from 'react';
import {
  Badge,
  Box,
  Checkbox,
  Field,
  Flex,
  Grid,
  MultiSelect,
  MultiSelectOption,
  Table,
  Tbody,
  Td,
  TextInput,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { useGet } from '../_lib';

/**
 * The search of « Trouver des bénévoles » and of the mission panel's « Ajouter des bénévoles »
 * (GET /back-office/volunteers): name, skills, availability slots, poles, city and age range, every
 * criterion combined with AND; the results show those attributes, with a box to select each person.
 */
export interface Filters {
  search: string;
  skills: string[];
  availability: string[];
  poles: string[];
  city: string;
  ageMin: string;
  ageMax: string;
  volunteersOnly: boolean;
}
export const EMPTY_FILTERS: Filters = {
  search: '',
  skills: [],
  availability: [],
  poles: [],
  city: '',
  ageMin: '',
  ageMax: '',
  volunteersOnly: true,
};

export interface VolunteerRow {
  documentId: string;
  memberNumber?: number | null;
  firstName: string;
  lastName: string;
  city?: string | null;
  age?: number | null;
  phone?: string | null;
  skills?: string[];
  availability?: string[];
  poles?: string[];
  registration: { status: string; statusLabel: string } | null;
}
interface Options {
  skills: Array<{ documentId: string; name: string }>;
  availability: Array<{ documentId: string; name: string }>;
  poles: Array<{ documentId: string; name: string }>;
}

/** The query string of a search (also for the CSV export). */
export const searchParams = (f: Filters, mission?: string) => {
  const p = new URLSearchParams();
  if (f.search.trim()) p.set('search', f.search.trim());
  if (f.skills.length) p.set('skills', f.skills.join(','));
  if (f.availability.length) p.set('availability', f.availability.join(','));
  if (f.poles.length) p.set('poles', f.poles.join(','));
  if (f.city.trim()) p.set('city', f.city.trim());
  if (f.ageMin.trim()) p.set('ageMin', f.ageMin.trim());
  if (f.ageMax.trim()) p.set('ageMax', f.ageMax.trim());
  p.set('volunteersOnly', String(f.volunteersOnly));
  if (mission) p.set('mission', mission);
  return p.toString();
};

/** Results of the search, reloaded (after a short pause) when the filters change; `reload()` fetches again. */
export const useVolunteerSearch = (filters: Filters, mission?: string) => {
  const query = searchParams(filters, mission);
  // asked once the filters stop changing for a moment (typing a name)
  const [asked, setAsked] = React.useState(query);
  React.useEffect(() => {
    const t = setTimeout(() => setAsked(query), 300);
    return () => clearTimeout(t);
  }, [query]);
  const { data, error, loading, reload } = useGet<{ data: VolunteerRow[]; meta: { total: number } }>(`/back-office/volunteers?${asked}`);
  return { rows: data?.data ?? [], total: data?.meta.total ?? 0, loading: loading || asked !== query, error, reload };
};

const Multi = ({
  name,
  label,
  values,
  options,
  onChange,
}: {
  name: string;
  label: string;
  values: string[];
  options: Options['skills'];
  onChange: (v: string[]) => void;
}) => (
  <Field.Root name={name}>
    <Field.Label>{label}</Field.Label>
    <MultiSelect value={values} onChange={onChange} onClear={() => onChange([])} placeholder="Tous" withTags data-testid={`filter-${name}`}>
      {options.map((o) => (
        <MultiSelectOption key={o.documentId} value={o.documentId}>
          {o.name}
        </MultiSelectOption>
      ))}
    </MultiSelect>
  </Field.Root>
);

const NO_OPTIONS: Options = { skills: [], availability: [], poles: [] };

export const VolunteerFilters = ({ filters, onChange }: { filters: Filters; onChange: (f: Filters) => void }) => {
  const loaded = useGet<Options, { data: Options }>('/back-office/volunteers/filters', { select: (body) => body.data });
  const options = loaded.data ?? NO_OPTIONS;
  const set = (patch: Partial<Filters>) => onChange({ ...filters, ...patch });
  const text = (key: 'search' | 'city' | 'ageMin' | 'ageMax') => (e: React.ChangeEvent<HTMLInputElement>) =>
    set({ [key]: e.target.value } as Partial<Filters>);
  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      <Grid.Root gap={3}>
        <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
          <Field.Root name="search">
            <Field.Label>Nom</Field.Label>
            <TextInput placeholder="Nom, prénom ou n° d’adhérent" value={filters.search} onChange={text('search')} />
          </Field.Root>
        </Grid.Item>
        <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
          <Multi
            name="skills"
            label="Compétences"
            values={filters.skills}
            options={options.skills}
            onChange={(skills) => set({ skills })}
          />
        </Grid.Item>
        <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
          <Multi
            name="availability"
            label="Disponibilités"
            values={filters.availability}
            options={options.availability}
            onChange={(availability) => set({ availability })}
          />
        </Grid.Item>
        <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
          <Multi name="poles" label="Pôles" values={filters.poles} options={options.poles} onChange={(poles) => set({ poles })} />
        </Grid.Item>
        <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
          <Field.Root name="city">
            <Field.Label>Ville</Field.Label>
            <TextInput placeholder="Ex. Lyon" value={filters.city} onChange={text('city')} />
          </Field.Root>
        </Grid.Item>
        <Grid.Item col={2} s={6} direction="column" alignItems="stretch">
          <Field.Root name="ageMin">
            <Field.Label>Âge min.</Field.Label>
            <TextInput inputMode="numeric" value={filters.ageMin} onChange={text('ageMin')} />
          </Field.Root>
        </Grid.Item>
        <Grid.Item col={2} s={6} direction="column" alignItems="stretch">
          <Field.Root name="ageMax">
            <Field.Label>Âge max.</Field.Label>
            <TextInput inputMode="numeric" value={filters.ageMax} onChange={text('ageMax')} />
          </Field.Root>
        </Grid.Item>
      </Grid.Root>
      <Flex gap={4} alignItems="center" wrap="wrap">
        <Checkbox checked={filters.volunteersOnly} onCheckedChange={(v: boolean | 'indeterminate') => set({ volunteersOnly: v === true })}>
          Bénévoles seulement
        </Checkbox>
        <Typography variant="pi" textColor="neutral600">
          Les critères s’additionnent : une personne doit les remplir tous (toutes les compétences, tous les créneaux et pôles choisis).
        </Typography>
      </Flex>
    </Flex>
  );
};

/** Lists wrap inside their cell: every column stays on screen. */
const WRAP: React.CSSProperties = { whiteSpace: 'normal', display: 'block', minWidth: '120px' };
const join = (values?: string[]) => (values && values.length ? values.join(', ') : '—');

/** The results, each with a box to select it (people already on the mission show their status instead). */
export const VolunteerResults = ({
  rows,
  total,
  loading,
  error,
  selected,
  onSelect,
  showRegistration,
}: {
  rows: VolunteerRow[];
  total: number;
  loading: boolean;
  error: string | null;
  selected: Set<string>;
  onSelect: (next: Set<string>) => void;
  showRegistration?: boolean;
}) => {
  const selectable = rows.filter((r) => !r.registration || r.registration.status === 'cancelled');
  const allSelected = selectable.length > 0 && selectable.every((r) => selected.has(r.documentId));
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    onSelect(next);
  };
  if (error) return <Typography textColor="danger600">{error}</Typography>;
  return (
    <Box>
      <Typography variant="pi" textColor="neutral600" tag="p" data-testid="volunteer-total">
        {loading
          ? 'Recherche…'
          : `${total} personne${total > 1 ? 's' : ''} trouvée${total > 1 ? 's' : ''}${total > rows.length ? ` (les ${rows.length} premières affichées)` : ''}`}
        {selected.size ? ` — ${selected.size} sélectionnée${selected.size > 1 ? 's' : ''}` : ''}
      </Typography>
      <Table colCount={showRegistration ? 8 : 7} rowCount={rows.length + 1}>
        <Thead>
          <Tr>
            <Th>
              <Checkbox
                aria-label="Tout sélectionner"
                checked={allSelected}
                onCheckedChange={(v: boolean | 'indeterminate') => {
                  const next = new Set(selected);
                  for (const r of selectable) {
                    if (v === true) next.add(r.documentId);
                    else next.delete(r.documentId);
                  }
                  onSelect(next);
                }}
              />
            </Th>
            <Th>
              <Typography variant="sigma">Nom</Typography>
            </Th>
            <Th>
              <Typography variant="sigma">Âge</Typography>
            </Th>
            <Th>
              <Typography variant="sigma">Ville</Typography>
            </Th>
            <Th>
              <Typography variant="sigma">Compétences</Typography>
            </Th>
            <Th>
              <Typography variant="sigma">Disponibilités</Typography>
            </Th>
            <Th>
              <Typography variant="sigma">Pôles</Typography>
            </Th>
            {showRegistration && (
              <Th>
                <Typography variant="sigma">Sur la mission</Typography>
              </Th>
            )}
          </Tr>
        </Thead>
        <Tbody>
          {rows.map((r) => {
            const canPick = !r.registration || r.registration.status === 'cancelled';
            const name = `${r.lastName} ${r.firstName}`;
            return (
              <Tr key={r.documentId} data-testid="volunteer-row">
                <Td>
                  <Checkbox
                    aria-label={`Sélectionner ${name}`}
                    disabled={!canPick}
                    checked={selected.has(r.documentId)}
                    onCheckedChange={(v: boolean | 'indeterminate') => toggle(r.documentId, v === true)}
                  />
                </Td>
                <Td>
                  <Typography fontWeight="bold">{name}</Typography>
                </Td>
                <Td>
                  <Typography>{r.age === null || r.age === undefined ? '—' : `${r.age} ans`}</Typography>
                </Td>
                <Td>
                  <Typography>{r.city ?? '—'}</Typography>
                </Td>
                <Td>
                  <Typography style={WRAP}>{join(r.skills)}</Typography>
                </Td>
                <Td>
                  <Typography style={WRAP}>{join(r.availability)}</Typography>
                </Td>
                <Td>
                  <Typography style={WRAP}>{join(r.poles)}</Typography>
                </Td>
                {showRegistration && (
                  <Td>
                    {r.registration ? <Badge>{r.registration.statusLabel}</Badge> : <Typography textColor="neutral500">—</Typography>}
                  </Td>
                )}
              </Tr>
            );
          })}
        </Tbody>
      </Table>
    </Box>
  );
};
