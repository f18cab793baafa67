import * as React from 'react';
import { Outcome } from '../../components/Outcome';
import { Layouts, Page } from '@strapi/strapi/admin';
import {
  Alert,
  Badge,
  Box,
  Button,
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
import { Check, Plus, Upload } from '@strapi/icons';
import { formatCentsAsEuros, formatDate, formatDateTime } from '../../../contract/format';
import { enumLabel, enumOptions } from '../../../contract/labels';
import { useGet, usePost } from '../../_lib';
import type { AccountBalance, Balances } from '../../../back-office/books/contract';

const LINE_UID = 'api::bank-statement-line.bank-statement-line';
const BASE = '/back-office/books/reconciliation';

interface Account {
  documentId: string;
  name: string;
  kind: string;
  iban: string | null;
}
interface Category {
  documentId: string;
  displayName: string;
  kind: 'income' | 'expense';
}
interface Home {
  accounts: Account[];
  categories: Category[];
  maxMb: number;
}
interface EntryView {
  documentId: string;
  date: string;
  label: string;
  amount: number;
  direction: string;
  reference: string | null;
  category: string | null;
  account: string | null;
  toAccount: string | null;
}
interface Proposal extends EntryView {
  days: number;
  byReference: boolean;
}
interface Line {
  documentId: string;
  date: string;
  label: string;
  amount: number;
  bankReference: string | null;
  status: 'unmatched' | 'matched' | 'ignored';
  statement: string | null;
  entry: EntryView | null;
  matchedBy: string | null;
  proposals: Proposal[];
  unambiguous: boolean;
}
interface Statement {
  documentId: string;
  fileName: string;
  layout: string;
  firstDate: string;
  lastDate: string;
  lineCount: number;
  newLineCount: number;
  duplicateCount: number;
  closingBalance: number | null;
  closingDate: string | null;
  importedBy: string;
  importedAt: string;
}

const euros = (cents: number) => formatCentsAsEuros(cents);
const signed = (cents: number) => (cents > 0 ? `+${euros(cents)}` : euros(cents));

/** One entry as the treasurer recognises it: date, label, category or accounts, amount. */
const describe = (e: EntryView) =>
  `${formatDate(e.date)} · ${e.label} · ${e.category ?? (e.direction === 'transfer' ? `virement ${e.account} → ${e.toAccount}` : '')}` +
  `${e.reference ? ` · réf. ${e.reference}` : ''}`;

/** The balances of the account: in the books, reconciled, and as the latest statement says. */
const Balances = ({ account, tick }: { account: string; tick: number }) => {
  const [date, setDate] = React.useState('');
  const res = useGet<AccountBalance | undefined, { data: Pick<Balances, 'accounts'> }>(`${BASE}/balances`, {
    params: { account, date, tick },
    select: (body) => body.data.accounts[0],
  });
  const b = res.data;
  return (
    <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius data-testid="reconciliation-balances">
      <Flex justifyContent="space-between" alignItems="flex-end" gap={4} wrap="wrap">
        <Typography variant="delta" tag="h2">
          Soldes
        </Typography>
        <Field.Root name="date" hint="Vide : aujourd’hui">
          <Field.Label>Au (AAAA-MM-JJ)</Field.Label>
          <TextInput value={date} placeholder="AAAA-MM-JJ" onChange={(e: React.ChangeEvent<HTMLInputElement>) => setDate(e.target.value)} />
        </Field.Root>
      </Flex>
      {res.error && <Typography textColor="danger600">{res.error}</Typography>}
      {b && (
        <Flex direction="column" alignItems="stretch" gap={1} paddingTop={3}>
          <Typography>
            Solde des écritures : <strong>{euros(b.balance)}</strong> — solde rapproché : <strong>{euros(b.reconciled)}</strong> (
            {b.unreconciledCount} écriture{b.unreconciledCount > 1 ? 's' : ''} pas encore rapprochée{b.unreconciledCount > 1 ? 's' : ''})
          </Typography>
          {b.statement ? (
            <Typography>
              Solde du relevé au {formatDate(b.statement.date)} ({b.statement.fileName}) : <strong>{euros(b.statement.balance)}</strong>
              {b.statement.reconciledThen !== null &&
                (b.statement.reconciledThen === b.statement.balance ? (
                  <Typography textColor="success600"> — égal au solde rapproché à cette date.</Typography>
                ) : (
                  <Typography textColor="danger600">
                    {' '}
                    — écart avec le solde rapproché à cette date : {signed(b.statement.balance - b.statement.reconciledThen)}
                  </Typography>
                ))}
            </Typography>
          ) : (
            <Typography textColor="neutral600">Aucun relevé importé ne donne de solde à cette date.</Typography>
          )}
        </Flex>
      )}
    </Box>
  );
};

/** Creating the missing entry of an operation: a category (or the other account of a transfer), a label, a voucher. */
const CreateEntry = ({ line, home, onDone }: { line: Line; home: Home; onDone: (message: string) => void }) => {
  const [category, setCategory] = React.useState('');
  const [counter, setCounter] = React.useState('');
  const [label, setLabel] = React.useState(line.label.slice(0, 200));
  const [file, setFile] = React.useState<File | null>(null);
  const action = usePost<{ data: Line }>();
  const uploader = usePost<Array<{ id: number }>>();
  const kind = line.amount > 0 ? 'income' : 'expense';
  const create = async () => {
    let voucher: number | undefined;
    if (file) {
      const form = new FormData();
      form.append('files', file);
      const sent = await uploader.send('/upload', form);
      if (!sent.data) return;
      voucher = sent.data[0]?.id;
    }
    const res = await action.send(`${BASE}/lines/${line.documentId}/create-entry`, {
      category: counter ? undefined : category,
      counterAccount: counter || undefined,
      label,
      voucher,
    });
    if (res.data) onDone(`Écriture « ${label} » créée et rapprochée.`);
  };
  return (
    <Box paddingTop={2} data-testid="create-entry">
      <Flex gap={2} alignItems="flex-end" wrap="wrap">
        <Field.Root name="category">
          <Field.Label>Catégorie</Field.Label>
          <SingleSelect
            value={category}
            placeholder="Choisir…"
            onChange={(v: string | number) => [setCategory(String(v)), setCounter('')]}
            aria-label="Catégorie"
          >
            {home.categories
              .filter((c) => c.kind === kind)
              .map((c) => (
                <SingleSelectOption key={c.documentId} value={c.documentId}>
                  {c.displayName}
                </SingleSelectOption>
              ))}
          </SingleSelect>
        </Field.Root>
        <Field.Root name="counterAccount">
          <Field.Label>ou virement {line.amount > 0 ? 'depuis' : 'vers'}</Field.Label>
          <SingleSelect value={counter} placeholder="—" onChange={(v: string | number) => [setCounter(String(v)), setCategory('')]}>
            {home.accounts.map((a) => (
              <SingleSelectOption key={a.documentId} value={a.documentId}>
                {a.name}
              </SingleSelectOption>
            ))}
          </SingleSelect>
        </Field.Root>
        <Field.Root name="label">
          <Field.Label>Libellé</Field.Label>
          <TextInput value={label} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setLabel(e.target.value)} />
        </Field.Root>
        <Field.Root name="voucher">
          <Field.Label>Justificatif (image ou PDF)</Field.Label>
          <input type="file" accept="image/*,application/pdf" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </Field.Root>
        <Button startIcon={<Plus />} onClick={create} loading={action.loading || uploader.loading} disabled={!category && !counter}>
          Créer l’écriture
        </Button>
      </Flex>
      {(action.error || uploader.error) && <Typography textColor="danger600">{action.error ?? uploader.error}</Typography>}
    </Box>
  );
};

const STATUS_COLORS: Record<Line['status'], [string, string]> = {
  unmatched: ['warning100', 'warning700'],
  matched: ['success100', 'success700'],
  ignored: ['neutral150', 'neutral700'],
};

const ReconciliationPage = () => {
  const home = useGet<Home>(BASE);
  const [account, setAccount] = React.useState('');
  const [status, setStatus] = React.useState('unmatched');
  const [tick, setTick] = React.useState(0);
  const [file, setFile] = React.useState<File | null>(null);
  const [message, setMessage] = React.useState<string | null>(null);
  const [creating, setCreating] = React.useState<string | null>(null);
  const action = usePost<{ data: Record<string, unknown> }>();
  const importer = usePost<{ data: { alreadyImported: boolean; statement: Statement } }>();
  const chosen = account || home.data?.accounts.find((a) => a.kind === 'bank')?.documentId || '';
  const lines = useGet<{ counts: Record<string, number>; lines: Line[] }, { data: { counts: Record<string, number>; lines: Line[] } }>(
    chosen ? `${BASE}/lines` : null,
    { params: { account: chosen, status, tick }, select: (body) => body.data }
  );
  const statements = useGet<Statement[], { data: Statement[] }>(chosen ? `${BASE}/statements` : null, {
    params: { account: chosen, tick },
    select: (body) => body.data,
  });
  const refresh = (text: string) => {
    setMessage(text);
    setCreating(null);
    setTick((t) => t + 1);
  };
  const act = async (url: string, body: unknown, done: string) => {
    const res = await action.send(url, body);
    if (res.data) refresh(done);
  };
  const importFile = async () => {
    if (!file) return;
    const form = new FormData();
    form.append('account', chosen);
    form.append('file', file);
    const res = await importer.send(`${BASE}/statements`, form);
    if (!res.data) return;
    const s = res.data.data.statement;
    refresh(
      res.data.data.alreadyImported
        ? `Ce fichier a déjà été importé le ${formatDateTime(s.importedAt)} : rien d’ajouté.`
        : `Relevé lu (${s.layout}) : ${s.lineCount} opération${s.lineCount > 1 ? 's' : ''}, dont ${s.newLineCount} nouvelle${s.newLineCount > 1 ? 's' : ''}` +
            `${s.duplicateCount ? ` et ${s.duplicateCount} déjà importée${s.duplicateCount > 1 ? 's' : ''}` : ''}.`
    );
  };
  const sure = (lines.data?.lines ?? []).filter((l) => l.status === 'unmatched' && l.unambiguous).length;
  const error = action.error ?? importer.error ?? home.error ?? lines.error;

  return (
    <Page.Main>
      <Page.Title>Rapprochement bancaire</Page.Title>
      <Layouts.Header
        title="Rapprochement bancaire"
        subtitle="Importez le relevé de la banque, pointez chaque opération avec son écriture, créez celles qui manquent."
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          {error && (
            <Alert variant="danger" title="Erreur" closeLabel="Fermer" onClose={() => [action.clearError(), importer.clearError()]}>
              {error}
            </Alert>
          )}
          <Outcome message={message ? { variant: 'success', text: message } : null} onClose={() => setMessage(null)} />
          {home.data && (
            <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius>
              <Flex gap={6} alignItems="flex-end" wrap="wrap">
                <Field.Root name="account">
                  <Field.Label>Compte</Field.Label>
                  <SingleSelect
                    value={chosen}
                    onChange={(v: string | number) => [setAccount(String(v)), setMessage(null)]}
                    aria-label="Compte"
                  >
                    {home.data.accounts.map((a) => (
                      <SingleSelectOption key={a.documentId} value={a.documentId}>
                        {a.name}
                      </SingleSelectOption>
                    ))}
                  </SingleSelect>
                </Field.Root>
                <Field.Root
                  name="file"
                  hint={`CSV tel que la banque le donne (Crédit Agricole, BNP Paribas, Société Générale, La Banque Postale, Crédit Mutuel, CIC, Caisse d’Épargne, Banque Populaire, Qonto…) ou OFX, ${home.data.maxMb} Mo au plus.`}
                >
                  <Field.Label>Relevé</Field.Label>
                  <input
                    type="file"
                    accept=".csv,.txt,.ofx,.qfx"
                    onChange={(e) => setFile(e.target.files?.[0] ?? null)}
                    data-testid="statement-file"
                  />
                  <Field.Hint />
                </Field.Root>
                <Button startIcon={<Upload />} onClick={importFile} loading={importer.loading} disabled={!file || !chosen}>
                  Importer le relevé
                </Button>
              </Flex>
              {statements.data && statements.data.length > 0 && (
                <Box paddingTop={3}>
                  <Typography variant="pi" textColor="neutral600">
                    Derniers relevés :{' '}
                    {statements.data
                      .slice(0, 3)
                      .map(
                        (s) =>
                          `${s.fileName} (${s.layout}, du ${formatDate(s.firstDate)} au ${formatDate(s.lastDate)}, ${s.newLineCount} nouvelle(s), importé par ${s.importedBy})`
                      )
                      .join(' ; ')}
                  </Typography>
                </Box>
              )}
            </Box>
          )}
          {chosen && <Balances account={chosen} tick={tick} />}
          {chosen && (
            <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius>
              <Flex justifyContent="space-between" alignItems="flex-end" gap={4} wrap="wrap" paddingBottom={4}>
                <Field.Root name="status">
                  <Field.Label>Opérations</Field.Label>
                  <SingleSelect value={status} onChange={(v: string | number) => setStatus(String(v))} aria-label="Opérations">
                    {enumOptions(LINE_UID, 'status').map((o) => (
                      <SingleSelectOption key={o.value} value={o.value}>
                        {`${o.label} (${lines.data?.counts[o.value] ?? 0})`}
                      </SingleSelectOption>
                    ))}
                  </SingleSelect>
                </Field.Root>
                <Button
                  startIcon={<Check />}
                  disabled={!sure}
                  loading={action.loading}
                  onClick={() => act(`${BASE}/accept`, { account: chosen }, 'Propositions sûres acceptées.')}
                >
                  {sure === 0
                    ? 'Aucune proposition sûre'
                    : sure === 1
                      ? 'Accepter la proposition sûre'
                      : `Accepter les ${sure} propositions sûres`}
                </Button>
              </Flex>
              <Table colCount={4} rowCount={(lines.data?.lines.length ?? 0) + 1}>
                <Thead>
                  <Tr>
                    <Th>
                      <Typography variant="sigma">Date</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">Libellé de la banque</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">Montant</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">Écriture</Typography>
                    </Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {(lines.data?.lines ?? []).map((l) => (
                    <Tr key={l.documentId} data-testid="statement-line">
                      <Td>
                        <Typography>{formatDate(l.date)}</Typography>
                      </Td>
                      <Td style={{ whiteSpace: 'normal', maxWidth: '26rem' }}>
                        <Typography>{l.label}</Typography>
                        <Box>
                          <Badge backgroundColor={STATUS_COLORS[l.status][0]} textColor={STATUS_COLORS[l.status][1]}>
                            {enumLabel(LINE_UID, 'status', l.status)}
                          </Badge>
                        </Box>
                      </Td>
                      <Td>
                        <Typography textColor={l.amount < 0 ? 'danger600' : 'success600'} fontWeight="bold">
                          {signed(l.amount)}
                        </Typography>
                      </Td>
                      <Td style={{ whiteSpace: 'normal' }}>
                        {l.status === 'matched' && l.entry && (
                          <Flex gap={2} wrap="wrap">
                            <Typography>{describe(l.entry)}</Typography>
                            <Button
                              variant="tertiary"
                              size="S"
                              onClick={() => act(`${BASE}/lines/${l.documentId}/unmatch`, {}, 'Rapprochement défait.')}
                            >
                              Défaire
                            </Button>
                          </Flex>
                        )}
                        {l.status === 'ignored' && (
                          <Button
                            variant="tertiary"
                            size="S"
                            onClick={() => act(`${BASE}/lines/${l.documentId}/unmatch`, {}, 'Opération rétablie.')}
                          >
                            Rétablir
                          </Button>
                        )}
                        {l.status === 'unmatched' && (
                          <Flex direction="column" alignItems="stretch" gap={1}>
                            {l.proposals.length === 0 && (
                              <Typography textColor="neutral600">Aucune écriture de ce montant à ces dates.</Typography>
                            )}
                            {l.proposals.map((p, i) => (
                              <Flex key={p.documentId} gap={2} wrap="wrap">
                                <Typography fontWeight={i === 0 && l.unambiguous ? 'bold' : undefined}>
                                  {describe(p)} (
                                  {p.byReference ? 'référence retrouvée' : p.days === 0 ? 'même jour' : `${p.days} j d’écart`})
                                </Typography>
                                <Button
                                  size="S"
                                  variant={i === 0 ? 'default' : 'secondary'}
                                  onClick={() =>
                                    act(`${BASE}/lines/${l.documentId}/match`, { entry: p.documentId }, 'Opération rapprochée.')
                                  }
                                >
                                  Rapprocher
                                </Button>
                              </Flex>
                            ))}
                            <Flex gap={2}>
                              <Button
                                variant="secondary"
                                size="S"
                                onClick={() => setCreating(creating === l.documentId ? null : l.documentId)}
                              >
                                Créer l’écriture
                              </Button>
                              <Button
                                variant="tertiary"
                                size="S"
                                onClick={() => act(`${BASE}/lines/${l.documentId}/ignore`, {}, 'Opération ignorée.')}
                              >
                                Ignorer
                              </Button>
                            </Flex>
                            {creating === l.documentId && home.data && <CreateEntry line={l} home={home.data} onDone={refresh} />}
                          </Flex>
                        )}
                      </Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
              {lines.data && lines.data.lines.length === 0 && (
                <Box paddingTop={4}>
                  <Typography textColor="neutral600">Aucune opération dans cette liste.</Typography>
                </Box>
              )}
            </Box>
          )}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};

export default ReconciliationPage;
