import * as React from 'react';
import { Page, Layouts } from '@strapi/strapi/admin';
import { Box, Button, Field, Flex, Grid, SingleSelect, SingleSelectOption, Typography, Alert, Loader } from '@strapi/design-system';
import { Download } from '@strapi/icons';
import { formatYear } from '../../../contract/format';
import { ACTIONS } from '../../../contract/permissions';
import { useCan, useDownload, useGet } from '../../_lib';

/**
 * The « Exports » page: every list the admin may export, with its filters and a download button,
 * and the financial report of a fiscal year (CSV, Excel and PDF). Files are fetched with the admin's
 * token (the back-office routes need it), then saved by the browser.
 */
interface FilterDef {
  param: string;
  label: string;
  kind: 'date' | 'year' | 'enum' | 'text' | 'boolean' | 'relation';
  options?: Array<{ value: string; label: string }>;
}
interface DatasetDef {
  name: string;
  label: string;
  filters: FilterDef[];
}

const FilterField = ({ filter, value, onChange }: { filter: FilterDef; value: string; onChange: (v: string) => void }) => {
  const choices =
    filter.kind === 'boolean'
      ? [
          { value: 'true', label: 'Oui' },
          { value: 'false', label: 'Non' },
        ]
      : filter.options;
  return (
    <Field.Root name={filter.param}>
      <Field.Label>{filter.label}</Field.Label>
      {choices ? (
        <SingleSelect
          value={value}
          onChange={(v: string | number) => onChange(String(v ?? ''))}
          onClear={() => onChange('')}
          placeholder="Tous"
        >
          {choices.map((o) => (
            <SingleSelectOption key={o.value} value={o.value}>
              {o.label}
            </SingleSelectOption>
          ))}
        </SingleSelect>
      ) : (
        <Field.Input
          type={filter.kind === 'date' ? 'date' : filter.kind === 'year' ? 'number' : 'text'}
          value={value}
          placeholder={filter.kind === 'year' ? 'ex. 2026' : undefined}
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange(e.target.value)}
        />
      )}
    </Field.Root>
  );
};

const DatasetCard = ({
  dataset,
  onDownload,
  busy,
}: {
  dataset: DatasetDef;
  onDownload: (url: string, name: string) => void;
  busy: boolean;
}) => {
  const [values, setValues] = React.useState<Record<string, string>>({});
  const [iso, setIso] = React.useState(false);
  const filters = Object.entries(values).filter(([, v]) => v !== '');
  const query = new URLSearchParams(filters);
  if (iso) query.set('format', 'iso');
  const qs = query.toString();
  // the workbook: same filters, typed cells (the CSV flavour does not apply)
  const xlsxQuery = new URLSearchParams([...filters, ['format', 'xlsx']]).toString();
  return (
    <Box background="neutral0" hasRadius shadow="tableShadow" padding={6}>
      <Flex justifyContent="space-between" alignItems="center" paddingBottom={4}>
        <Typography variant="delta" tag="h2">
          {dataset.label}
        </Typography>
        <Flex gap={2}>
          <Button
            startIcon={<Download />}
            loading={busy}
            onClick={() => onDownload(`/back-office/exports/${dataset.name}.csv${qs ? `?${qs}` : ''}`, `${dataset.name}.csv`)}
          >
            Télécharger (CSV)
          </Button>
          <Button
            variant="secondary"
            startIcon={<Download />}
            loading={busy}
            onClick={() => onDownload(`/back-office/exports/${dataset.name}.csv?${xlsxQuery}`, `${dataset.name}.xlsx`)}
          >
            Excel (.xlsx)
          </Button>
        </Flex>
      </Flex>
      <Grid.Root gap={4}>
        {dataset.filters.map((f) => (
          <Grid.Item key={f.param} col={3} s={6} xs={12} direction="column" alignItems="stretch">
            <FilterField filter={f} value={values[f.param] ?? ''} onChange={(v) => setValues((prev) => ({ ...prev, [f.param]: v }))} />
          </Grid.Item>
        ))}
        <Grid.Item col={3} s={6} xs={12} direction="column" alignItems="stretch">
          <Field.Root name={`${dataset.name}-format`} hint="Pour le CSV : tableur français (;) ou format ISO pour un logiciel">
            <Field.Label>Format</Field.Label>
            <SingleSelect value={iso ? 'iso' : 'fr'} onChange={(v: string | number) => setIso(v === 'iso')}>
              <SingleSelectOption value="fr">Tableur (Excel, LibreOffice)</SingleSelectOption>
              <SingleSelectOption value="iso">ISO (virgule, dates AAAA-MM-JJ)</SingleSelectOption>
            </SingleSelect>
            <Field.Hint />
          </Field.Root>
        </Grid.Item>
      </Grid.Root>
    </Box>
  );
};

const FinancialReportCard = ({
  onDownload,
  busy,
  currentYear,
}: {
  onDownload: (key: string, url: string, name: string) => void;
  busy: string | null;
  currentYear: number;
}) => {
  // the fiscal year in progress (named after the year it starts in), and the seven before it
  const [year, setYear] = React.useState(String(currentYear));
  const years = Array.from({ length: 8 }, (_, i) => String(currentYear - i));
  return (
    <Box background="neutral0" hasRadius shadow="tableShadow" padding={6}>
      <Typography variant="delta" tag="h2">
        Bilan financier de l’exercice
      </Typography>
      <Box paddingTop={1} paddingBottom={4}>
        <Typography variant="omega" textColor="neutral600">
          Cotisations, dons, subventions et budgets des missions, pour l’assemblée générale ou la mairie. L’exercice porte le nom de l’année
          où il commence.
        </Typography>
      </Box>
      <Flex gap={4} alignItems="flex-end">
        <Box width="200px">
          <Field.Root name="report-year">
            <Field.Label>Exercice</Field.Label>
            <SingleSelect value={year} onChange={(v: string | number) => setYear(String(v))}>
              {years.map((y) => (
                <SingleSelectOption key={y} value={y}>
                  {formatYear(y)}
                </SingleSelectOption>
              ))}
            </SingleSelect>
          </Field.Root>
        </Box>
        <Button
          startIcon={<Download />}
          loading={busy === 'report-pdf'}
          onClick={() => onDownload('report-pdf', `/back-office/reports/financial.pdf?year=${year}`, `bilan-financier-${year}.pdf`)}
        >
          PDF
        </Button>
        <Button
          variant="secondary"
          startIcon={<Download />}
          loading={busy === 'report-csv'}
          onClick={() => onDownload('report-csv', `/back-office/reports/financial.csv?year=${year}`, `bilan-financier-${year}.csv`)}
        >
          CSV
        </Button>
        <Button
          variant="secondary"
          startIcon={<Download />}
          loading={busy === 'report-xlsx'}
          onClick={() =>
            onDownload('report-xlsx', `/back-office/reports/financial.csv?year=${year}&format=xlsx`, `bilan-financier-${year}.xlsx`)
          }
        >
          Excel (.xlsx)
        </Button>
      </Flex>
    </Box>
  );
};

const ExportsPage = () => {
  const canReport = useCan(ACTIONS.reportsRead).allowed;
  const list = useGet<{ datasets: DatasetDef[]; currentFiscalYear: number }>('/back-office/exports');
  const datasets = list.data?.datasets ?? null;
  const currentYear = list.data?.currentFiscalYear ?? null;
  const { busy, error, download: save, clearError } = useDownload();
  const download = (key: string, url: string, name: string) => save(url, name, { key });

  return (
    <Page.Main>
      <Page.Title>Exports</Page.Title>
      <Layouts.Header title="Exports" subtitle="Listes au format CSV ou Excel (.xlsx) et bilan financier de l’exercice" />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          {error && (
            <Alert variant="danger" title="Téléchargement impossible" onClose={clearError} closeLabel="Fermer">
              {error}
            </Alert>
          )}
          {canReport && currentYear !== null && <FinancialReportCard onDownload={download} busy={busy} currentYear={currentYear} />}
          {list.error && (
            <Alert variant="danger" title="Erreur" closeLabel="Fermer" onClose={list.reload}>
              {list.error}
            </Alert>
          )}
          {list.loading && <Loader>Chargement…</Loader>}
          {datasets?.length === 0 && <Typography>Votre rôle ne permet de consulter aucune des listes exportables.</Typography>}
          {datasets?.map((d) => (
            <DatasetCard key={d.name} dataset={d} busy={busy === d.name} onDownload={(url, name) => download(d.name, url, name)} />
          ))}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};

export default ExportsPage;
