import * as React from 'react';
import { Layouts, Page } from '@strapi/strapi/admin';
import { Alert, Box, Button, Field, Flex, Grid, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { Download } from '@strapi/icons';
import { formatCount, formatDate, formatEuros, formatLongDate, formatRate, formatYear } from '../../../contract/format';
import { useDownload } from '../../_lib';
import { STATS_PERMISSION, Stats, useStats } from './api';
import { AgePyramid, MembersOverTime, MoneyByMonth, NewMembers, Participation, Ranking } from './charts';

/** « Tableau de bord »: the year at a glance, and its PDF report. */
const Kpi = ({ label, value, hint, testId }: { label: string; value: string; hint?: string; testId: string }) => (
  <Box background="neutral0" hasRadius shadow="tableShadow" padding={5} height="100%">
    <Flex direction="column" alignItems="flex-start" gap={1}>
      <Typography variant="sigma" textColor="neutral600">
        {label}
      </Typography>
      <Typography variant="alpha" tag="p" data-testid={testId}>
        {value}
      </Typography>
      {hint && (
        <Typography variant="pi" textColor="neutral600">
          {hint}
        </Typography>
      )}
    </Flex>
  </Box>
);

export const kpis = (s: Stats) => [
  {
    testId: 'kpi-members-total',
    label: 'Adhérents',
    value: formatCount(s.members.total),
    hint: `dont ${formatCount(s.members.volunteers)} bénévoles`,
  },
  {
    testId: 'kpi-members-up-to-date',
    label: 'À jour de cotisation',
    value: formatCount(s.members.upToDate),
    hint: s.members.total ? `${formatRate(s.members.upToDate / s.members.total)} des adhérents` : undefined,
  },
  { testId: 'kpi-members-new', label: `Nouveaux adhérents en ${s.year}`, value: formatCount(s.members.new) },
  {
    testId: 'kpi-volunteers-active',
    label: 'Bénévoles actifs',
    value: formatCount(s.volunteers.active),
    hint: 'présents à une mission sur 12 mois',
  },
  {
    testId: 'kpi-missions-done',
    label: 'Missions réalisées',
    value: formatCount(s.missions.done),
    hint: `${formatCount(s.missions.planned)} prévues`,
  },
  {
    testId: 'kpi-participation-rate',
    label: 'Taux de participation',
    value: formatRate(s.participation.rate),
    hint: `${formatCount(s.participation.attended)} présences, ${formatCount(s.participation.absent)} absences`,
  },
  ...(s.dues
    ? [
        {
          testId: 'kpi-dues-total',
          label: 'Cotisations encaissées',
          value: formatEuros(s.dues.total),
          hint: `${formatCount(s.dues.count)} cotisations`,
        },
      ]
    : []),
  ...(s.donations
    ? [
        {
          testId: 'kpi-donations-total',
          label: 'Dons reçus',
          value: formatEuros(s.donations.total),
          hint: `${formatCount(s.donations.count)} dons, ${formatCount(s.donations.donors)} donateurs`,
        },
      ]
    : []),
  ...(s.subsidies
    ? [
        {
          testId: 'kpi-subsidies-granted',
          label: 'Subventions accordées',
          value: formatEuros(s.subsidies.granted),
          hint: `${formatEuros(s.subsidies.received)} reçues`,
        },
      ]
    : []),
  // the books of the current fiscal year: only for who reads the books (the server sends them to no one else)
  ...(s.books
    ? [
        {
          testId: 'kpi-books-income',
          label: `Recettes de l’exercice ${s.books.name}`,
          value: formatEuros(s.books.income),
          hint: `comptabilité, du ${formatDate(s.books.start)} au ${formatDate(s.books.end)}`,
        },
        {
          testId: 'kpi-books-expense',
          label: `Dépenses de l’exercice ${s.books.name}`,
          value: formatEuros(s.books.expense),
          hint: 'virements entre comptes non compris',
        },
        {
          testId: 'kpi-books-result',
          label: `Résultat de l’exercice ${s.books.name}`,
          value: formatEuros(s.books.result),
          hint: s.books.result >= 0 ? 'excédent (recettes − dépenses)' : 'déficit (recettes − dépenses)',
        },
      ]
    : []),
];

const DashboardPage = () => {
  const thisYear = new Date().getFullYear();
  const [year, setYear] = React.useState(thisYear);
  const { data, error, loading } = useStats(year);
  const pdf = useDownload();
  const download = () => pdf.download('/back-office/stats/report.pdf', `tableau-de-bord-${year}.pdf`, { params: { year } });

  const years = Array.from({ length: 10 }, (_, i) => thisYear - i);
  const asOf = data ? formatLongDate(data.referenceDay) : '';

  return (
    <Page.Main>
      <Page.Title>Tableau de bord</Page.Title>
      <Layouts.Header
        title="Tableau de bord"
        subtitle={data ? `Chiffres de ${data.year}, au ${asOf}` : 'Les chiffres clés de l’année'}
        primaryAction={
          <Button startIcon={<Download />} onClick={download} loading={pdf.busy !== null} disabled={!data} data-testid="download-pdf">
            Télécharger le PDF
          </Button>
        }
      />
      <Layouts.Content>
        {pdf.error && (
          <Box paddingBottom={4}>
            <Alert
              variant="danger"
              title="Téléchargement impossible"
              onClose={pdf.clearError}
              closeLabel="Fermer"
              data-testid="download-error"
            >
              {pdf.error}
            </Alert>
          </Box>
        )}
        <Flex paddingBottom={6} gap={4} alignItems="flex-end">
          <Box width="200px">
            <Field.Root name="year">
              <Field.Label>Année</Field.Label>
              <SingleSelect value={String(year)} onChange={(v) => setYear(Number(v))} data-testid="year-select">
                {years.map((y) => (
                  <SingleSelectOption key={y} value={String(y)}>
                    {formatYear(y)}
                  </SingleSelectOption>
                ))}
              </SingleSelect>
            </Field.Root>
          </Box>
        </Flex>
        {loading && !data && <Page.Loading />}
        {error && (
          <Typography textColor="danger600" data-testid="stats-error">
            {error}
          </Typography>
        )}
        {data && (
          <Flex direction="column" alignItems="stretch" gap={6} data-testid="dashboard" aria-busy={loading}>
            <Grid.Root gap={4}>
              {kpis(data).map((k) => (
                <Grid.Item key={k.testId} col={4} s={6} xs={12} direction="column" alignItems="stretch">
                  <Kpi {...k} />
                </Grid.Item>
              ))}
            </Grid.Root>
            <Grid.Root gap={4}>
              <Grid.Item col={6} xs={12} direction="column" alignItems="stretch">
                <MembersOverTime stats={data} />
              </Grid.Item>
              <Grid.Item col={6} xs={12} direction="column" alignItems="stretch">
                <NewMembers stats={data} />
              </Grid.Item>
              <Grid.Item col={6} xs={12} direction="column" alignItems="stretch">
                <AgePyramid stats={data} />
              </Grid.Item>
              <Grid.Item col={6} xs={12} direction="column" alignItems="stretch">
                <Participation stats={data} />
              </Grid.Item>
              <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                <Ranking title="Professions" testId="chart-professions" rows={data.professions} />
              </Grid.Item>
              <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                <Ranking title="Villes" testId="chart-cities" rows={data.cities} />
              </Grid.Item>
              <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                <Ranking title="Origines" testId="chart-origins" rows={data.origins} />
              </Grid.Item>
              {(data.dues || data.donations) && (
                <Grid.Item col={12} direction="column" alignItems="stretch">
                  <MoneyByMonth stats={data} />
                </Grid.Item>
              )}
            </Grid.Root>
          </Flex>
        )}
      </Layouts.Content>
    </Page.Main>
  );
};

const ProtectedDashboardPage = () => (
  <Page.Protect permissions={STATS_PERMISSION}>
    <DashboardPage />
  </Page.Protect>
);

export default ProtectedDashboardPage;
