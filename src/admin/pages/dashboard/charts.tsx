import * as React from 'react';
import { useTheme } from 'styled-components';
import { Box, Flex, Typography } from '@strapi/design-system';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  Pie,
  PieChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { Bucket, Stats } from './api';
import { formatCount, formatEuros, formatMonth as monthLabel } from '../../../contract/format';

/** The dashboard's charts (recharts), in the design system's cards and colours. */
const usePalette = () => {
  const { colors } = useTheme();
  return {
    primary: colors.primary600,
    secondary: colors.secondary500,
    success: colors.success500,
    danger: colors.danger500,
    warning: colors.warning500,
    alternative: colors.alternative500,
    grid: colors.neutral200,
    text: colors.neutral600,
  };
};

export const ChartCard = ({
  title,
  testId,
  children,
  height = 260,
}: {
  title: string;
  testId: string;
  children: React.ReactElement;
  height?: number;
}) => (
  <Box data-testid={testId} background="neutral0" hasRadius shadow="tableShadow" padding={5} height="100%">
    <Typography variant="delta" tag="h2">
      {title}
    </Typography>
    <Box paddingTop={4} height={`${height}px`}>
      <ResponsiveContainer width="100%" height="100%">
        {children}
      </ResponsiveContainer>
    </Box>
  </Box>
);

const axisProps = (color: string) => ({ tick: { fill: color, fontSize: 12 }, stroke: color });

export const MembersOverTime = ({ stats }: { stats: Stats }) => {
  const p = usePalette();
  const data = stats.membersByMonth.map((m) => ({ mois: monthLabel(m.month), Adhérents: m.count }));
  return (
    <ChartCard title="Adhérents en fin de mois" testId="chart-members-over-time">
      <LineChart data={data}>
        <CartesianGrid stroke={p.grid} strokeDasharray="3 3" />
        <XAxis dataKey="mois" {...axisProps(p.text)} />
        <YAxis allowDecimals={false} {...axisProps(p.text)} />
        <Tooltip formatter={(v: number) => formatCount(v)} />
        <Line type="monotone" dataKey="Adhérents" stroke={p.primary} strokeWidth={2} connectNulls={false} isAnimationActive={false} />
      </LineChart>
    </ChartCard>
  );
};

export const NewMembers = ({ stats }: { stats: Stats }) => {
  const p = usePalette();
  const data = stats.newMembersByMonth.map((m) => ({ mois: monthLabel(m.month), 'Nouveaux adhérents': m.count }));
  return (
    <ChartCard title="Nouveaux adhérents par mois" testId="chart-new-members">
      <BarChart data={data}>
        <CartesianGrid stroke={p.grid} strokeDasharray="3 3" />
        <XAxis dataKey="mois" {...axisProps(p.text)} />
        <YAxis allowDecimals={false} {...axisProps(p.text)} />
        <Tooltip />
        <Bar dataKey="Nouveaux adhérents" fill={p.success} isAnimationActive={false} />
      </BarChart>
    </ChartCard>
  );
};

/** Age groups at the end of the year, stacked by gender. */
export const AgePyramid = ({ stats }: { stats: Stats }) => {
  const p = usePalette();
  const data = stats.ageGroupsByGender.map((g) => ({ âge: g.label, Femmes: g.female, Hommes: g.male, 'Autre ou non précisé': g.other }));
  return (
    <ChartCard title={`Âge au 31 décembre ${stats.year}`} testId="chart-age-groups">
      <BarChart data={data} layout="vertical">
        <CartesianGrid stroke={p.grid} strokeDasharray="3 3" />
        <XAxis type="number" allowDecimals={false} {...axisProps(p.text)} />
        <YAxis type="category" dataKey="âge" width={60} {...axisProps(p.text)} />
        <Tooltip />
        <Legend />
        <Bar dataKey="Femmes" stackId="g" fill={p.danger} isAnimationActive={false} />
        <Bar dataKey="Hommes" stackId="g" fill={p.primary} isAnimationActive={false} />
        <Bar dataKey="Autre ou non précisé" stackId="g" fill={p.warning} isAnimationActive={false} />
      </BarChart>
    </ChartCard>
  );
};

/** A ranking (top 10 + « Autres »): professions, cities, origins. */
export const Ranking = ({ title, testId, rows, color }: { title: string; testId: string; rows: Bucket[]; color?: string }) => {
  const p = usePalette();
  if (!rows.length) {
    return (
      <Box data-testid={testId} background="neutral0" hasRadius shadow="tableShadow" padding={5} height="100%">
        <Typography variant="delta" tag="h2">
          {title}
        </Typography>
        <Flex paddingTop={4}>
          <Typography textColor="neutral600">Aucune donnée renseignée.</Typography>
        </Flex>
      </Box>
    );
  }
  return (
    <ChartCard title={title} testId={testId} height={Math.max(160, rows.length * 30)}>
      <BarChart data={rows.map((r) => ({ label: r.label, Adhérents: r.count }))} layout="vertical">
        <CartesianGrid stroke={p.grid} strokeDasharray="3 3" />
        <XAxis type="number" allowDecimals={false} {...axisProps(p.text)} />
        {/* interval 0: every label shown (recharts hides some by default) */}
        <YAxis type="category" dataKey="label" width={130} interval={0} {...axisProps(p.text)} tick={{ fill: p.text, fontSize: 11 }} />
        <Tooltip />
        <Bar dataKey="Adhérents" fill={color ?? p.secondary} isAnimationActive={false} />
      </BarChart>
    </ChartCard>
  );
};

export const MoneyByMonth = ({ stats }: { stats: Stats }) => {
  const p = usePalette();
  const data = stats.newMembersByMonth.map((m, i) => ({
    mois: monthLabel(m.month),
    ...(stats.dues ? { Cotisations: stats.dues.byMonth[i].amount } : {}),
    ...(stats.donations ? { Dons: stats.donations.byMonth[i].amount } : {}),
  }));
  return (
    <ChartCard title="Cotisations et dons par mois" testId="chart-money">
      <BarChart data={data}>
        <CartesianGrid stroke={p.grid} strokeDasharray="3 3" />
        <XAxis dataKey="mois" {...axisProps(p.text)} />
        <YAxis {...axisProps(p.text)} tickFormatter={(v: number) => formatCount(v)} />
        <Tooltip formatter={(v: number) => formatEuros(v)} />
        <Legend />
        {stats.dues && <Bar dataKey="Cotisations" fill={p.primary} isAnimationActive={false} />}
        {stats.donations && <Bar dataKey="Dons" fill={p.success} isAnimationActive={false} />}
      </BarChart>
    </ChartCard>
  );
};

export const Participation = ({ stats }: { stats: Stats }) => {
  const p = usePalette();
  const data = [
    { name: 'Présents', value: stats.participation.attended, color: p.success },
    { name: 'Absents', value: stats.participation.absent, color: p.danger },
  ];
  return (
    <ChartCard title="Participation aux missions" testId="chart-participation">
      <PieChart>
        <Pie data={data} dataKey="value" nameKey="name" innerRadius="50%" outerRadius="80%" isAnimationActive={false} label>
          {data.map((d) => (
            <Cell key={d.name} fill={d.color} />
          ))}
        </Pie>
        <Tooltip />
        <Legend />
      </PieChart>
    </ChartCard>
  );
};
