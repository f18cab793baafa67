import * as React from 'react';
import { Layouts, Page } from '@strapi/strapi/admin';
import {
  Alert,
  Box,
  Button,
  Dialog,
  Field,
  Flex,
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
import { Download, Lock } from '@strapi/icons';
import { ACTIONS } from '../../../contract/permissions';
import { ENUMS } from '../../../contract/labels';
import { formatCentsAsEuros, formatDate, formatEuros } from '../../../contract/format';
import { useCan, useDownload, useGet, usePost } from '../../_lib';
import type { Balances, Closing, SubsidyChoice } from './api';

/** « Comptabilité »: the page of src/back-office/books (docs/books.md). */
const KINDS: Record<string, string> = ENUMS['api::cash-account.cash-account'].kind;
const SUBSIDY_STATUS: Record<string, string> = ENUMS['api::subsidy.subsidy'].status;
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
const thisYear = Number(today().slice(0, 4));
const YEARS = Array.from({ length: 8 }, (_, i) => thisYear - i);
const FORMATS = [
  { ext: 'pdf', label: 'PDF' },
  { ext: 'csv', label: 'CSV' },
  { ext: 'xlsx', label: 'Excel' },
] as const;

const Section = ({ title, children, testId }: { title: string; children: React.ReactNode; testId: string }) => (
  <Box background="neutral0" hasRadius shadow="tableShadow" padding={6} data-testid={testId}>
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Typography variant="delta" tag="h2">
        {title}
      </Typography>
      {children}
    </Flex>
  </Box>
);

const YearSelect = ({
  value,
  onChange,
  label,
  testId,
}: {
  value: number;
  onChange: (y: number) => void;
  label: string;
  testId: string;
}) => (
  <Box width="220px">
    <Field.Root name={testId}>
      <Field.Label>{label}</Field.Label>
      <SingleSelect value={String(value)} onChange={(v) => onChange(Number(v))} data-testid={testId}>
        {YEARS.map((y) => (
          <SingleSelectOption key={y} value={String(y)}>
            {String(y)}
          </SingleSelectOption>
        ))}
      </SingleSelect>
    </Field.Root>
  </Box>
);

/** The balance of every cash account at the end of a day. */
const BalancesSection = () => {
  const [day, setDay] = React.useState(today());
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(day);
  const { data, error, loading } = useGet<Balances, { data: Balances }>(valid ? '/back-office/books/balances' : null, {
    params: { date: day },
    select: (body) => body.data,
  });
  return (
    <Section title="Soldes des comptes" testId="books-balances">
      <Box width="220px">
        <Field.Root name="balance-date" hint="Le solde à la fin de ce jour.">
          <Field.Label>Date</Field.Label>
          <TextInput type="date" value={day} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setDay(e.target.value)} />
          <Field.Hint />
        </Field.Root>
      </Box>
      {error && <Typography textColor="danger600">{error}</Typography>}
      {loading && !data && <Typography textColor="neutral600">Calcul des soldes…</Typography>}
      {data && (
        <Table colCount={3} rowCount={data.accounts.length + 2}>
          <Thead>
            <Tr>
              <Th>
                <Typography variant="sigma">Compte</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">Type</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">Solde au {formatDate(data.date)}</Typography>
              </Th>
            </Tr>
          </Thead>
          <Tbody>
            {data.accounts.map((a) => (
              <Tr key={a.documentId}>
                <Td>
                  <Typography>{a.name}</Typography>
                </Td>
                <Td>
                  <Typography>{KINDS[a.kind] ?? a.kind}</Typography>
                </Td>
                <Td>
                  <Typography textColor={a.balance < 0 ? 'danger600' : undefined}>{formatCentsAsEuros(a.balance)}</Typography>
                </Td>
              </Tr>
            ))}
            <Tr>
              <Td>
                <Typography fontWeight="bold">Total</Typography>
              </Td>
              <Td />
              <Td>
                <Typography fontWeight="bold" data-testid="books-balances-total">
                  {formatCentsAsEuros(data.total)}
                </Typography>
              </Td>
            </Tr>
          </Tbody>
        </Table>
      )}
    </Section>
  );
};

/** Closing a fiscal year, after a French confirmation: it cannot be undone. */
const CloseSection = () => {
  const [year, setYear] = React.useState(thisYear - 1);
  const close = usePost<{ data: Closing }>();
  const [done, setDone] = React.useState<Closing | null>(null);
  const run = async () => {
    setDone(null);
    const res = await close.send(`/back-office/books/fiscal-years/${year}/close`);
    if (res.data) setDone(res.data.data);
  };
  return (
    <Section title="Clôturer un exercice" testId="books-close">
      <Typography textColor="neutral600">
        Une fois l’exercice clos, ses écritures ne se créent, ne se modifient et ne se suppriment plus, par aucun chemin. Une erreur se
        corrige par une écriture dans l’exercice ouvert. Une clôture ne s’annule pas.
      </Typography>
      <Flex gap={4} alignItems="flex-end">
        <YearSelect value={year} onChange={setYear} label="Exercice" testId="close-year" />
        <Dialog.Root>
          <Dialog.Trigger>
            <Button variant="danger-light" startIcon={<Lock />} loading={close.loading} data-testid="close-open">
              Clôturer l’exercice {year}
            </Button>
          </Dialog.Trigger>
          <Dialog.Content>
            <Dialog.Header>Clôturer l’exercice {year}</Dialog.Header>
            <Dialog.Body>
              <Flex direction="column" alignItems="stretch" gap={2}>
                <Typography fontWeight="bold">{`Voulez-vous vraiment clôturer l’exercice ${year}\u00a0?`}</Typography>
                <Typography>
                  Ses écritures et ses soldes d’ouverture ne pourront plus être créés, modifiés ni supprimés. Cette clôture est définitive.
                </Typography>
              </Flex>
            </Dialog.Body>
            <Dialog.Footer>
              <Dialog.Cancel>
                <Button variant="tertiary">Annuler</Button>
              </Dialog.Cancel>
              <Dialog.Action>
                <Button variant="danger" onClick={run} data-testid="close-confirm">
                  Clôturer définitivement
                </Button>
              </Dialog.Action>
            </Dialog.Footer>
          </Dialog.Content>
        </Dialog.Root>
      </Flex>
      {close.error && (
        <Alert variant="danger" title="Clôture impossible" onClose={close.clearError} closeLabel="Fermer" data-testid="close-error">
          {close.error}
        </Alert>
      )}
      {done && (
        <Alert
          variant="success"
          title={`Exercice ${done.name} clos`}
          onClose={() => setDone(null)}
          closeLabel="Fermer"
          data-testid="close-done"
        >
          {`${done.entryCount} écritures du ${formatDate(done.first)} au ${formatDate(done.last)} : recettes ${formatEuros(done.income)}, dépenses ${formatEuros(done.expense)}.`}
        </Alert>
      )}
    </Section>
  );
};

/** Three buttons: the same statement as PDF, CSV and Excel. */
const DownloadButtons = ({
  url,
  name,
  params,
  testId,
}: {
  url: string;
  name: string;
  params?: Record<string, string | number>;
  testId: string;
}) => {
  const files = useDownload();
  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      <Flex gap={2} wrap="wrap">
        {FORMATS.map((f) => (
          <Button
            key={f.ext}
            variant="secondary"
            startIcon={<Download />}
            loading={files.busy === f.ext}
            onClick={() => files.download(`${url}.${f.ext}`, `${name}.${f.ext}`, { key: f.ext, params })}
            data-testid={`${testId}-${f.ext}`}
          >
            {f.label}
          </Button>
        ))}
      </Flex>
      {files.error && (
        <Alert
          variant="danger"
          title="Téléchargement impossible"
          onClose={files.clearError}
          closeLabel="Fermer"
          data-testid={`${testId}-error`}
        >
          {files.error}
        </Alert>
      )}
    </Flex>
  );
};

const IncomeStatementSection = () => {
  const [year, setYear] = React.useState(thisYear - 1);
  return (
    <Section title="Compte de résultat" testId="books-income-statement">
      <Typography textColor="neutral600">
        Les recettes et les dépenses de l’exercice par catégorie du plan comptable associatif, à côté de l’exercice précédent, le résultat
        (excédent ou déficit) et les soldes des comptes au début et à la fin de l’exercice.
      </Typography>
      <Flex gap={4} alignItems="flex-end" wrap="wrap">
        <YearSelect value={year} onChange={setYear} label="Exercice" testId="statement-year" />
        <DownloadButtons
          url="/back-office/books/income-statement"
          name={`compte-de-resultat-${year}`}
          params={{ year }}
          testId="statement"
        />
      </Flex>
    </Section>
  );
};

const SubsidyReportSection = () => {
  const { data, error } = useGet<SubsidyChoice[], { data: SubsidyChoice[] }>('/back-office/books/subsidies', { select: (b) => b.data });
  const [chosen, setChosen] = React.useState<string>('');
  const subsidy = data?.find((s) => s.documentId === chosen);
  return (
    <Section title="Compte rendu financier de subvention (Cerfa n° 15059)" testId="books-subsidy-report">
      <Typography textColor="neutral600">
        Le budget prévisionnel de l’action (saisi dans la fiche de la subvention) face aux écritures liées à la subvention, l’écart et les
        explications à donner au financeur.
      </Typography>
      {error && <Typography textColor="danger600">{error}</Typography>}
      {data && !data.length && <Typography>Aucune subvention n’est enregistrée.</Typography>}
      {data && data.length > 0 && (
        <Flex gap={4} alignItems="flex-end" wrap="wrap">
          <Box width="420px">
            <Field.Root name="subsidy">
              <Field.Label>Subvention</Field.Label>
              <SingleSelect
                value={chosen}
                onChange={(v) => setChosen(String(v))}
                placeholder="Choisir une subvention"
                data-testid="subsidy-select"
              >
                {data.map((s) => (
                  <SingleSelectOption key={s.documentId} value={s.documentId}>
                    {[s.funder, s.title, s.fiscalYear, SUBSIDY_STATUS[s.status]].filter(Boolean).join(' — ')}
                  </SingleSelectOption>
                ))}
              </SingleSelect>
            </Field.Root>
          </Box>
          {subsidy && (
            <DownloadButtons
              url={`/back-office/books/subsidies/${subsidy.documentId}/report`}
              name={`compte-rendu-financier-${subsidy.documentId}`}
              testId="subsidy-report"
            />
          )}
        </Flex>
      )}
    </Section>
  );
};

const BooksPage = () => {
  const canRead = useCan(ACTIONS.booksRead);
  const canClose = useCan(ACTIONS.booksClose);
  const canStatements = useCan(ACTIONS.booksReports);
  const canSubsidies = useCan(ACTIONS.subsidyReports);
  const loading = canRead.loading || canClose.loading || canStatements.loading || canSubsidies.loading;
  return (
    <Page.Main>
      <Page.Title>Comptabilité</Page.Title>
      <Layouts.Header title="Comptabilité" subtitle="Soldes, clôture des exercices et états comptables" />
      <Layouts.Content>
        {loading ? (
          <Page.Loading />
        ) : (
          <Flex direction="column" alignItems="stretch" gap={6}>
            {canRead.allowed && <BalancesSection />}
            {canStatements.allowed && <IncomeStatementSection />}
            {canSubsidies.allowed && <SubsidyReportSection />}
            {canClose.allowed && <CloseSection />}
            {!canRead.allowed && !canStatements.allowed && !canSubsidies.allowed && !canClose.allowed && (
              <Typography>Votre rôle ne donne accès à aucune fonction de la comptabilité.</Typography>
            )}
          </Flex>
        )}
      </Layouts.Content>
    </Page.Main>
  );
};

export default BooksPage;
