import { DateTime } from 'luxon';
import type { Strapi } from '../types';
import { associationIdentity, createReport, endToBuffer, heading, table } from '../pdf/document';
import { CHART_COLORS, barChart, horizontalBarChart, lineChart } from '../pdf/charts';
import { formatCount as count, formatEuros as euros, formatPercent as percent } from '../pdf/typography';
import type { Stats } from './service';
import { SUBSIDY_TOTAL_RULES } from './definitions';

const frDay = (day: string) => DateTime.fromISO(day).setLocale('fr').toFormat('d LLLL yyyy');
export const monthLabel = (month: string) => DateTime.fromFormat(month, 'yyyy-MM').setLocale('fr').toFormat('LLL');

/** The key figures as [label, value] rows: the same in the PDF and on the dashboard's cards. */
export const keyFigures = (s: Stats): Array<[string, string]> => [
  ['Adhérents', count(s.members.total)],
  ['À jour de cotisation', count(s.members.upToDate)],
  [`Nouveaux adhérents en ${s.year}`, count(s.members.new)],
  ['Bénévoles', count(s.members.volunteers)],
  ['Bénévoles actifs (12 mois)', count(s.volunteers.active)],
  ['Missions réalisées', count(s.missions.done)],
  ['Missions prévues', count(s.missions.planned)],
  ['Taux de participation', percent(s.participation.rate)],
  ['Présences', count(s.participation.attended)],
  ['Absences', count(s.participation.absent)],
  ...(s.dues ? ([['Cotisations encaissées', `${euros(s.dues.total)} (${count(s.dues.count)})`]] as Array<[string, string]>) : []),
  ...(s.donations
    ? ([['Dons reçus', `${euros(s.donations.total)} (${count(s.donations.count)} dons, ${count(s.donations.donors)} donateurs)`]] as Array<
        [string, string]
      >)
    : []),
  ...(s.subsidies ? ([['Subventions accordées', euros(s.subsidies.granted)]] as Array<[string, string]>) : []),
];

/** The year's report: key figures, then the dashboard's charts as vector graphics. */
export const statsReport = async (strapi: Strapi, s: Stats) => {
  const identity = await associationIdentity(strapi);
  const doc = createReport(identity, { title: `Tableau de bord ${s.year}`, subtitle: `Chiffres au ${frDay(s.referenceDay)}` });
  const months = s.newMembersByMonth.map((m) => monthLabel(m.month));

  heading(doc, 'Chiffres clés');
  table(doc, ['Indicateur', 'Valeur'], keyFigures(s), [300, 195]);

  heading(doc, 'Adhérents');
  lineChart(
    doc,
    { name: 'Adhérents', values: s.membersByMonth.map((m) => m.count), color: CHART_COLORS[0] },
    { title: 'Adhérents en fin de mois', labels: months }
  );
  barChart(doc, [{ name: 'Nouveaux adhérents', values: s.newMembersByMonth.map((m) => m.count), color: CHART_COLORS[2] }], {
    title: 'Nouveaux adhérents par mois',
    labels: months,
  });
  barChart(
    doc,
    [
      { name: 'Femmes', values: s.ageGroupsByGender.map((g) => g.female), color: CHART_COLORS[1] },
      { name: 'Hommes', values: s.ageGroupsByGender.map((g) => g.male), color: CHART_COLORS[0] },
      { name: 'Autre ou non précisé', values: s.ageGroupsByGender.map((g) => g.other), color: CHART_COLORS[3] },
    ],
    { title: `Âge au 31 décembre ${s.year}`, labels: s.ageGroups.map((g) => g.label) }
  );
  horizontalBarChart(doc, s.professions, { title: 'Professions' });
  horizontalBarChart(doc, s.cities, { title: 'Villes', color: CHART_COLORS[4] });
  horizontalBarChart(doc, s.origins, { title: 'Origines', color: CHART_COLORS[5] });

  heading(doc, 'Missions et participation');
  table(
    doc,
    ['', 'Nombre'],
    [
      ['Missions réalisées', count(s.missions.done)],
      ['Missions prévues', count(s.missions.planned)],
      ['Présences', count(s.participation.attended)],
      ['Absences', count(s.participation.absent)],
      ['Taux de participation', percent(s.participation.rate)],
    ],
    [300, 195]
  );
  horizontalBarChart(
    doc,
    [
      { label: 'Présents', count: s.participation.attended },
      { label: 'Absents', count: s.participation.absent },
    ],
    {
      title: `Participation aux missions (${percent(s.participation.rate)} de présence)`,
      color: CHART_COLORS[2],
    }
  );

  if (s.dues || s.donations) {
    if (doc.y > doc.page.height - 260) doc.addPage(); // keep the title with its chart
    heading(doc, 'Cotisations et dons');
    const series = [
      ...(s.dues ? [{ name: 'Cotisations', values: s.dues.byMonth.map((m) => m.amount), color: CHART_COLORS[0] }] : []),
      ...(s.donations ? [{ name: 'Dons', values: s.donations.byMonth.map((m) => m.amount), color: CHART_COLORS[2] }] : []),
    ];
    barChart(doc, series, { title: 'Montants encaissés par mois (€)', labels: months });
    table(
      doc,
      ['Mois', ...series.map((x) => x.name)],
      s.newMembersByMonth.map((m, i) => [monthLabel(m.month), ...series.map((x) => euros(x.values[i]))]),
      [195, ...series.map(() => 300 / series.length)]
    );
  }
  if (s.subsidies) {
    heading(doc, `Subventions de l'exercice ${s.year}`);
    table(
      doc,
      ['', 'Montant'],
      [
        // THE definitions (definitions.ts), the same totals as the financial report's
        [`Demandées (${SUBSIDY_TOTAL_RULES.requested})`, euros(s.subsidies.requested)],
        [`Accordées (${SUBSIDY_TOTAL_RULES.granted})`, euros(s.subsidies.granted)],
        [`Reçues (${SUBSIDY_TOTAL_RULES.received})`, euros(s.subsidies.received)],
      ],
      [300, 195]
    );
  }
  return endToBuffer(doc, identity);
};
