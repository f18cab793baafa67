import * as React from 'react';
import { Link } from 'react-router-dom';
import { Layouts, Page } from '@strapi/strapi/admin';
import {
  Badge,
  Box,
  Button,
  Dialog,
  Field,
  Flex,
  Grid,
  NumberInput,
  SingleSelect,
  SingleSelectOption,
  Table,
  Tbody,
  Td,
  TextInput,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { Mail, Eye } from '@strapi/icons';
import { DUES_STATUS_LABELS as STATUS_LABELS, reminderOffsetLabel, type DuesStatus } from '../../../contract/dues';
import { memberDisplayName } from '../../../contract/display-names';
import { formatDate, formatEuros } from '../../../contract/format';
import { ACTIONS } from '../../../contract/permissions';
import { useCan, useCanContent, useGet, usePost } from '../../_lib';
import { DUES_READ, DuesRow, DuesSummary, RemindersReport, STATUSES, STATUS_COLORS, memberUrl, unwrap } from './api';
import { RecordContributionButton } from '../../components/RecordContributionDialog';
import { CreateRightNote } from '../../components/CreateRightNote';

const CONTRIBUTION = 'api::contribution.contribution';

/** « Cotisations »: who is up to date, who must renew, and the reminders by e-mail. */
const PAGE_SIZE = 100;

export const StatusBadge = ({ status }: { status: DuesStatus }) => (
  <Badge backgroundColor={`${STATUS_COLORS[status]}100`} textColor={`${STATUS_COLORS[status]}700`}>
    {STATUS_LABELS[status]}
  </Badge>
);

const Counts = ({ summary, active, onPick }: { summary: DuesSummary; active?: DuesStatus; onPick: (s?: DuesStatus) => void }) => (
  <Grid.Root gap={3}>
    {STATUSES.map((s) => (
      <Grid.Item key={s} col={2} s={4} xs={6} direction="column" alignItems="stretch">
        <Box
          tag="button"
          type="button"
          onClick={() => onPick(active === s ? undefined : s)}
          background={active === s ? 'primary100' : 'neutral0'}
          borderColor={active === s ? 'primary600' : 'neutral150'}
          hasRadius
          shadow="tableShadow"
          padding={4}
          textAlign="left"
          data-testid={`dues-count-${s}`}
        >
          <Typography variant="sigma" textColor="neutral600">
            {STATUS_LABELS[s]}
          </Typography>
          <Typography variant="alpha" tag="p">
            {summary.counts[s]}
          </Typography>
        </Box>
      </Grid.Item>
    ))}
  </Grid.Root>
);

const ReportView = ({ report }: { report: RemindersReport }) => {
  const who = (r: RemindersReport['sent'][number]) =>
    `${memberDisplayName(r)} — échéance le ${formatDate(r.duesPaidUntil)}, relance ${reminderOffsetLabel(r.offsetDays)}`;
  return (
    <Box background="neutral0" hasRadius shadow="tableShadow" padding={5} data-testid="reminders-report">
      <Typography variant="delta" tag="h2">
        {report.dryRun
          ? `Simulation du ${formatDate(report.today)} : ${report.counts.sent} relance(s) seraient envoyées`
          : `Relances du ${formatDate(report.today)} : ${report.counts.sent} envoyée(s)`}
        {report.counts.failed ? `, ${report.counts.failed} en échec (nouvel essai au prochain passage)` : ''}
        {report.counts.withoutEmail ? `, ${report.counts.withoutEmail} adhérent(s) sans e-mail à contacter autrement` : ''}
      </Typography>
      {[
        { title: report.dryRun ? 'Seraient relancés' : 'Relancés', rows: report.sent },
        { title: 'En échec', rows: report.failed },
        { title: 'Sans adresse e-mail', rows: report.withoutEmail },
      ]
        .filter((g) => g.rows.length)
        .map((g) => (
          <Box key={g.title} paddingTop={3}>
            <Typography variant="omega" fontWeight="bold">
              {g.title}
            </Typography>
            <ul>
              {g.rows.slice(0, 50).map((r) => (
                <li key={`${r.documentId}-${r.offsetDays}`}>
                  <Typography variant="omega">
                    <Link to={memberUrl(r.documentId)}>{who(r)}</Link>
                    {r.error ? ` — ${r.error}` : ''}
                  </Typography>
                </li>
              ))}
              {g.rows.length > 50 && (
                <li>
                  <Typography variant="omega">… et {g.rows.length - 50} autre(s)</Typography>
                </li>
              )}
            </ul>
          </Box>
        ))}
    </Box>
  );
};

const Reminders = ({ onDone }: { onDone: () => void }) => {
  const { send, data, error, loading } = usePost<{ data: RemindersReport }>();
  const [running, setRunning] = React.useState<'dry' | 'real' | null>(null);
  const report = data?.data;
  // how many e-mails « Envoyer » would send now: the simulation of the day, asked when the dialog opens
  const counting = usePost<{ data: RemindersReport }>();
  const pending = counting.data?.data ?? null;
  const count = (open: boolean) => {
    if (open) void counting.send('/back-office/dues/reminders/run', { dryRun: true });
  };
  const run = async (dryRun: boolean) => {
    setRunning(dryRun ? 'dry' : 'real');
    const sent = await send('/back-office/dues/reminders/run', { dryRun });
    if (!dryRun && !sent.error) onDone();
  };
  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      <Flex gap={2} wrap="wrap">
        <Button
          variant="secondary"
          startIcon={<Eye />}
          onClick={() => run(true)}
          loading={loading && running === 'dry'}
          data-testid="reminders-dry-run"
        >
          Simuler les relances du jour
        </Button>
        <Dialog.Root onOpenChange={count}>
          <Dialog.Trigger>
            <Button variant="secondary" startIcon={<Mail />} loading={loading && running === 'real'} data-testid="reminders-run">
              Envoyer les relances maintenant
            </Button>
          </Dialog.Trigger>
          <Dialog.Content>
            <Dialog.Header>Envoyer les relances</Dialog.Header>
            <Dialog.Body>
              <Flex direction="column" alignItems="stretch" gap={2}>
                <Typography fontWeight="bold" data-testid="reminders-run-count">
                  {!pending
                    ? 'Calcul du nombre d’e-mails…'
                    : pending.counts.sent === 0
                      ? 'Aucune relance n’est due aujourd’hui : aucun e-mail ne partira.'
                      : `${pending.counts.sent} e-mail${pending.counts.sent > 1 ? 's' : ''} de relance ${pending.counts.sent > 1 ? 'vont' : 'va'} partir maintenant.`}
                </Typography>
                {pending && pending.counts.withoutEmail > 0 && (
                  <Typography>
                    {pending.counts.withoutEmail} adhérent(s) sans adresse e-mail ne recevront rien : à contacter autrement.
                  </Typography>
                )}
                <Typography>
                  Un adhérent ne reçoit jamais deux fois la même relance : celles déjà envoyées par la tâche de 8 h ne repartent pas.
                </Typography>
              </Flex>
            </Dialog.Body>
            <Dialog.Footer>
              <Dialog.Cancel>
                <Button variant="tertiary">Annuler</Button>
              </Dialog.Cancel>
              <Dialog.Action>
                <Button onClick={() => run(false)} disabled={!pending || pending.counts.sent === 0} data-testid="reminders-run-confirm">
                  {pending && pending.counts.sent > 0
                    ? `Envoyer ${pending.counts.sent} e-mail${pending.counts.sent > 1 ? 's' : ''}`
                    : 'Envoyer'}
                </Button>
              </Dialog.Action>
            </Dialog.Footer>
          </Dialog.Content>
        </Dialog.Root>
      </Flex>
      {(error || counting.error) && <Typography textColor="danger600">{error || counting.error}</Typography>}
      {report && <ReportView report={report} />}
    </Flex>
  );
};

const DuesPage = () => {
  const [status, setStatus] = React.useState<DuesStatus | undefined>('expiring');
  const [within, setWithin] = React.useState(30);
  const [search, setSearch] = React.useState('');
  const [shown, setShown] = React.useState(PAGE_SIZE);
  // the words typed are searched by the server, once the typing pauses
  const [query, setQuery] = React.useState('');
  React.useEffect(() => {
    const timer = setTimeout(() => setQuery(search.trim()), 300);
    return () => clearTimeout(timer);
  }, [search]);
  // the first rows only (the list can hold tens of thousands of members), more on demand
  const params = { within, limit: shown, ...(status ? { status } : {}), ...(query ? { search: query } : {}) };
  const summary = useGet('/back-office/dues/summary', { params: { within }, select: unwrap<DuesSummary> });
  const list = useGet('/back-office/dues', { params, select: (body: { data: DuesRow[]; meta: { total: number } }) => body });
  const canRemind = useCan(ACTIONS.duesRemind).allowed;
  const { allowed: canRecord } = useCanContent('create', CONTRIBUTION);
  const refresh = () => {
    summary.reload();
    list.reload();
  };

  React.useEffect(() => setShown(PAGE_SIZE), [status, within, query]);
  const rows = list.data?.data ?? [];
  const total = list.data?.meta.total ?? 0;

  return (
    <Page.Main>
      <Page.Title>Cotisations</Page.Title>
      <Layouts.Header
        title="Cotisations"
        subtitle="Qui est à jour, qui doit renouveler, et les relances envoyées par e-mail"
        primaryAction={canRecord ? <RecordContributionButton size="M" onRecorded={refresh} /> : undefined}
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          {!canRecord && <CreateRightNote uid={CONTRIBUTION} what="Enregistrer une cotisation" />}
          {summary.data && <Counts summary={summary.data} active={status} onPick={setStatus} />}
          {canRemind && <Reminders onDone={refresh} />}
          <Flex gap={4} alignItems="flex-end" wrap="wrap">
            <Box width="240px">
              <Field.Root name="status">
                <Field.Label>Statut</Field.Label>
                <SingleSelect
                  value={status ?? 'all'}
                  onChange={(v) => setStatus(v === 'all' ? undefined : (v as DuesStatus))}
                  data-testid="dues-status-filter"
                >
                  <SingleSelectOption value="all">Tous les adhérents</SingleSelectOption>
                  {STATUSES.map((s) => (
                    <SingleSelectOption key={s} value={s}>
                      {STATUS_LABELS[s]}
                    </SingleSelectOption>
                  ))}
                </SingleSelect>
              </Field.Root>
            </Box>
            <Box width="240px">
              <Field.Root name="within" hint="« À renouveler bientôt » : échéance dans ce nombre de jours">
                <Field.Label>Fenêtre (jours)</Field.Label>
                <NumberInput value={within} onValueChange={(v) => setWithin(Math.max(0, Math.min(365, Math.round(v ?? 30))))} />
                <Field.Hint />
              </Field.Root>
            </Box>
            <Box width="280px">
              <Field.Root name="search">
                <Field.Label>Rechercher</Field.Label>
                <TextInput
                  placeholder="Nom, e-mail, n° d’adhérent"
                  value={search}
                  onChange={(e: React.ChangeEvent<HTMLInputElement>) => setSearch(e.target.value)}
                />
              </Field.Root>
            </Box>
          </Flex>
          {list.error && <Typography textColor="danger600">{list.error}</Typography>}
          {list.loading && !list.data ? (
            <Page.Loading />
          ) : (
            <Box>
              <Typography variant="pi" textColor="neutral600" data-testid="dues-total">
                {total} adhérent(s){status ? ` — ${STATUS_LABELS[status].toLowerCase()}` : ''}, triés par échéance
              </Typography>
              <Table colCount={canRecord ? 8 : 7} rowCount={rows.length + 1}>
                <Thead>
                  <Tr>
                    <Th>
                      <Typography variant="sigma">N°</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">Adhérent</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">E-mail</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">Payée jusqu’au</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">Statut</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">Type d’adhésion</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">Dernier montant</Typography>
                    </Th>
                    {canRecord && (
                      <Th>
                        <Typography variant="sigma">Cotisation</Typography>
                      </Th>
                    )}
                  </Tr>
                </Thead>
                <Tbody>
                  {rows.map((r) => (
                    <Tr key={r.documentId} data-testid="dues-row">
                      <Td>
                        <Typography>{r.memberNumber ?? '—'}</Typography>
                      </Td>
                      <Td>
                        <Link to={memberUrl(r.documentId)}>
                          <Typography textColor="primary600">{memberDisplayName(r)}</Typography>
                        </Link>
                      </Td>
                      <Td>
                        <Typography>{r.email === undefined ? 'masqué (droits)' : (r.email ?? 'pas d’e-mail')}</Typography>
                      </Td>
                      <Td>
                        <Typography>{formatDate(r.duesPaidUntil)}</Typography>
                      </Td>
                      <Td>
                        <StatusBadge status={r.status} />
                      </Td>
                      <Td>
                        <Typography>{r.membershipType === undefined ? 'masqué (droits)' : (r.membershipType ?? '—')}</Typography>
                      </Td>
                      <Td>
                        <Typography>{r.lastAmount === undefined ? 'masqué (droits)' : formatEuros(r.lastAmount)}</Typography>
                      </Td>
                      {canRecord && (
                        <Td>
                          <RecordContributionButton
                            member={{ documentId: r.documentId, name: `${r.firstName} ${r.lastName}` }}
                            variant="tertiary"
                            size="S"
                            label="Enregistrer"
                            onRecorded={refresh}
                          />
                        </Td>
                      )}
                    </Tr>
                  ))}
                </Tbody>
              </Table>
              {total > rows.length && (
                <Flex justifyContent="center" paddingTop={4}>
                  <Button variant="tertiary" onClick={() => setShown(rows.length + PAGE_SIZE)}>
                    Afficher {Math.min(PAGE_SIZE, total - rows.length)} de plus
                  </Button>
                </Flex>
              )}
            </Box>
          )}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};

const ProtectedDuesPage = () => (
  <Page.Protect permissions={DUES_READ}>
    <DuesPage />
  </Page.Protect>
);

export default ProtectedDuesPage;
