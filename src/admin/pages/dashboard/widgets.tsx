import { Widget } from '@strapi/strapi/admin';
import { Box, Flex, Grid, Typography } from '@strapi/design-system';
import type { Stats } from './api';
import { formatCount, formatEuros, formatRate } from '../../../contract/format';
import { useStats } from './api';

/** Homepage widgets: the main figures of the current year, linking to the « Tableau de bord ». */
const Figures = ({ items }: { items: Array<{ label: string; value: string; testId: string }> }) => (
  <Grid.Root gap={3}>
    {items.map((i) => (
      <Grid.Item key={i.testId} col={6} direction="column" alignItems="stretch">
        <Box background="neutral100" hasRadius padding={3}>
          <Flex direction="column" alignItems="flex-start" gap={1}>
            <Typography variant="pi" textColor="neutral600">
              {i.label}
            </Typography>
            <Typography variant="beta" tag="p" data-testid={i.testId}>
              {i.value}
            </Typography>
          </Flex>
        </Box>
      </Grid.Item>
    ))}
  </Grid.Root>
);

/** The current year's figures once loaded (Strapi's widget loading and error states meanwhile). */
const StatsWidget = ({ figures }: { figures: (s: Stats) => Array<{ label: string; value: string; testId: string }> }) => {
  const { data, error, loading } = useStats();
  if (loading) return <Widget.Loading>Chargement des chiffres…</Widget.Loading>;
  if (error || !data) return <Widget.Error>{error ?? undefined}</Widget.Error>;
  return <Figures items={figures(data)} />;
};

export const MembersWidget = () => (
  <StatsWidget
    figures={(data) => [
      { label: 'Adhérents', value: formatCount(data.members.total), testId: 'widget-members-total' },
      { label: 'À jour de cotisation', value: formatCount(data.members.upToDate), testId: 'widget-members-up-to-date' },
      { label: `Nouveaux en ${data.year}`, value: formatCount(data.members.new), testId: 'widget-members-new' },
      ...(data.dues
        ? [{ label: 'Cotisations encaissées', value: formatEuros(data.dues.total), testId: 'widget-dues-total' }]
        : [{ label: 'Bénévoles', value: formatCount(data.members.volunteers), testId: 'widget-members-volunteers' }]),
    ]}
  />
);

export const ActivityWidget = () => (
  <StatsWidget
    figures={(data) => [
      { label: 'Bénévoles actifs', value: formatCount(data.volunteers.active), testId: 'widget-volunteers-active' },
      { label: 'Missions réalisées', value: formatCount(data.missions.done), testId: 'widget-missions-done' },
      { label: 'Missions prévues', value: formatCount(data.missions.planned), testId: 'widget-missions-planned' },
      { label: 'Taux de participation', value: formatRate(data.participation.rate), testId: 'widget-participation-rate' },
    ]}
  />
);
