import * as React from 'react';
import { Outcome, type OutcomeMessage } from '../../components/Outcome';
import { Link } from 'react-router-dom';
import { Page, Layouts } from '@strapi/strapi/admin';
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
import { Check, Cross, Download, Plus } from '@strapi/icons';
import { ACTIONS } from '../../../contract/permissions';
import { ENUMS } from '../../../contract/labels';
import { formatCentsAsEuros, formatDate } from '../../../contract/format';
import { useCan, useCanContent, useDownload, useGet, usePost } from '../../_lib';

/** Client side of src/back-office/expense-claims (routes under /back-office/expense-claims). */
const CLAIM = 'api::expense-claim.expense-claim';
interface Claim {
  documentId: string;
  number: string | null;
  member: string | null;
  purpose: string;
  totalCents: number;
  status: string;
  submittedAt: string | null;
  approvedAt: string | null;
  approvedBy: string | null;
  paidOn: string | null;
  waivedAt: string | null;
}
interface Options {
  accounts: Array<{ documentId: string; name: string }>;
  categories: Array<{ documentId: string; name: string; isDefault: boolean }>;
}
const STATUS: Record<string, string> = ENUMS[CLAIM].status;
const METHODS: Record<string, string> = ENUMS['api::ledger-entry.ledger-entry'].paymentMethod;
const claimUrl = (documentId?: string) => `/content-manager/collection-types/${CLAIM}/${documentId ?? 'create'}`;
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());

const Select = ({
  label,
  value,
  onChange,
  options,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: Array<[string, string]>;
}) => (
  <Field.Root>
    <Field.Label>{label}</Field.Label>
    <SingleSelect value={value} onChange={(v: string | number) => onChange(String(v ?? ''))}>
      {options.map(([v, text]) => (
        <SingleSelectOption key={v} value={v}>
          {text}
        </SingleSelectOption>
      ))}
    </SingleSelect>
  </Field.Root>
);

/** Notes de frais: the list, each claim's next step, its PDF. */
const ExpenseClaimsPage = () => {
  const canManage = useCan(ACTIONS.expenseClaimsManage).allowed;
  const canEnter = useCanContent('update', CLAIM).allowed;
  const canCreate = useCanContent('create', CLAIM).allowed;
  const list = useGet<Claim[], { data: Claim[] }>('/back-office/expense-claims', { select: (b) => b.data });
  const options = useGet<Options, { data: Options }>(canManage ? '/back-office/expense-claims/options' : null, { select: (b) => b.data });
  const action = usePost<{ data: unknown }>();
  const files = useDownload();
  const [message, setMessage] = React.useState<OutcomeMessage | null>(null);
  const [form, setForm] = React.useState<{ claim: Claim; kind: 'reimburse' | 'waive' | 'refuse' } | null>(null);
  const [values, setValues] = React.useState<Record<string, string>>({});

  const run = async (claim: Claim, step: string, body: Record<string, string> = {}, done = 'C’est fait.') => {
    setMessage(null);
    const res = await action.send(`/back-office/expense-claims/${claim.documentId}/${step}`, body);
    if (res.error !== undefined) {
      setMessage({ variant: 'danger', text: res.error });
      return;
    }
    setForm(null);
    setMessage({ variant: 'success', text: done });
    list.reload();
  };
  const open = (claim: Claim, kind: 'reimburse' | 'waive' | 'refuse') => {
    const account = options.data?.accounts[0]?.documentId ?? '';
    const category = options.data?.categories.find((c) => c.isDefault)?.documentId ?? options.data?.categories[0]?.documentId ?? '';
    setValues({ date: today(), cashAccount: account, category, paymentMethod: 'transfer', reason: '' });
    setForm({ claim, kind });
  };
  const set = (field: string) => (v: string) => setValues((s) => ({ ...s, [field]: v }));
  const [waiver, setWaiver] = React.useState<File | null>(null);
  const upload = usePost<Array<{ id: number }>>();
  /** The signed waiver, uploaded to the media library first, then the donation recorded with it. */
  const waive = async (claim: Claim) => {
    let waiverDocument = '';
    if (waiver) {
      const files = new FormData();
      files.append('files', waiver);
      const res = await upload.send('/upload', files);
      if (res.error !== undefined) {
        setMessage({ variant: 'danger', text: `Renonciation signée : ${res.error}` });
        return;
      }
      waiverDocument = String(res.data[0]?.id ?? '');
    }
    await run(
      claim,
      'waive',
      { date: values.date, waiverDocument },
      `Note ${claim.number} abandonnée à l’association : le don est enregistré.`
    );
    setWaiver(null);
  };
  const claims = list.data ?? [];
  const error = list.error ?? options.error ?? files.error;

  return (
    <Page.Main>
      <Page.Title>Notes de frais</Page.Title>
      <Layouts.Header
        title="Notes de frais"
        subtitle="Les frais avancés par les bénévoles : saisis pour eux, soumis (numérotés), approuvés par la trésorerie, puis remboursés ou abandonnés à l’association (un don, avec reçu fiscal)."
        primaryAction={
          canCreate ? (
            <Button tag={Link} to={claimUrl()} startIcon={<Plus />}>
              Nouvelle note de frais
            </Button>
          ) : undefined
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          {error && !message && (
            <Alert variant="danger" title="Erreur" onClose={files.clearError} closeLabel="Fermer">
              {error}
            </Alert>
          )}
          <Outcome message={message} onClose={() => setMessage(null)} />
          {form && (
            <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius>
              <Flex direction="column" alignItems="stretch" gap={4}>
                <Typography variant="delta" tag="h2">
                  {form.kind === 'reimburse' ? 'Rembourser' : form.kind === 'waive' ? 'Abandon de frais (don)' : 'Refuser'} la note{' '}
                  {form.claim.number} — {form.claim.member} — {formatCentsAsEuros(form.claim.totalCents)}
                </Typography>
                {form.kind === 'refuse' ? (
                  <Field.Root>
                    <Field.Label>Motif du refus</Field.Label>
                    <TextInput value={values.reason} onChange={(e: React.ChangeEvent<HTMLInputElement>) => set('reason')(e.target.value)} />
                  </Field.Root>
                ) : (
                  <Field.Root>
                    <Field.Label>{form.kind === 'reimburse' ? 'Date du remboursement' : 'Date de l’abandon'}</Field.Label>
                    <TextInput
                      type="date"
                      value={values.date}
                      onChange={(e: React.ChangeEvent<HTMLInputElement>) => set('date')(e.target.value)}
                    />
                  </Field.Root>
                )}
                {form.kind === 'reimburse' && (
                  <Flex gap={4} wrap="wrap">
                    <Select
                      label="Compte"
                      value={values.cashAccount}
                      onChange={set('cashAccount')}
                      options={(options.data?.accounts ?? []).map((a) => [a.documentId, a.name])}
                    />
                    <Select
                      label="Catégorie"
                      value={values.category}
                      onChange={set('category')}
                      options={(options.data?.categories ?? []).map((c) => [c.documentId, c.name])}
                    />
                    <Select
                      label="Moyen de paiement"
                      value={values.paymentMethod}
                      onChange={set('paymentMethod')}
                      options={Object.entries(METHODS)}
                    />
                  </Flex>
                )}
                {form.kind === 'waive' && (
                  <>
                    <Field.Root hint="Image ou PDF : la déclaration d’abandon du PDF de la note, signée par le bénévole.">
                      <Field.Label>Renonciation signée (scan ou photo)</Field.Label>
                      <input
                        type="file"
                        accept="image/*,application/pdf"
                        onChange={(e: React.ChangeEvent<HTMLInputElement>) => setWaiver(e.target.files?.[0] ?? null)}
                      />
                      <Field.Hint />
                    </Field.Root>
                    <Typography textColor="neutral600">
                      Un don « abandon de frais » est créé, avec les justificatifs et le PDF de la note. Sans la renonciation signée,
                      joignez-la plus tard à la fiche du don (« Renonciation signée au remboursement ») : le reçu fiscal n’est émis qu’avec
                      elle.
                    </Typography>
                  </>
                )}
                <Flex gap={2}>
                  <Button
                    loading={action.loading || upload.loading}
                    onClick={() =>
                      form.kind === 'refuse'
                        ? run(form.claim, 'refuse', { reason: values.reason }, `Note ${form.claim.number} refusée.`)
                        : form.kind === 'reimburse'
                          ? run(
                              form.claim,
                              'reimburse',
                              {
                                date: values.date,
                                cashAccount: values.cashAccount,
                                category: values.category,
                                paymentMethod: values.paymentMethod,
                              },
                              `Note ${form.claim.number} remboursée : la dépense est enregistrée dans les écritures.`
                            )
                          : waive(form.claim)
                    }
                  >
                    Confirmer
                  </Button>
                  <Button variant="tertiary" onClick={() => setForm(null)}>
                    Annuler
                  </Button>
                </Flex>
              </Flex>
            </Box>
          )}
          <Table colCount={6} rowCount={claims.length + 1}>
            <Thead>
              <Tr>
                {['N°', 'Bénévole', 'Objet', 'Total', 'Statut', 'Actions'].map((h) => (
                  <Th key={h}>
                    <Typography variant="sigma">{h}</Typography>
                  </Th>
                ))}
              </Tr>
            </Thead>
            <Tbody>
              {claims.map((c) => (
                <Tr key={c.documentId}>
                  <Td>
                    <Link to={claimUrl(c.documentId)}>{c.number ?? 'brouillon'}</Link>
                  </Td>
                  <Td>
                    <Typography>{c.member ?? '—'}</Typography>
                  </Td>
                  <Td>
                    <Typography>{c.purpose}</Typography>
                  </Td>
                  <Td>
                    <Typography>{formatCentsAsEuros(c.totalCents)}</Typography>
                  </Td>
                  <Td>
                    <Badge>{STATUS[c.status] ?? c.status}</Badge>
                    <Typography variant="pi" textColor="neutral600">
                      {c.paidOn ? ` le ${formatDate(c.paidOn)}` : c.approvedBy ? ` par ${c.approvedBy}` : ''}
                    </Typography>
                  </Td>
                  <Td>
                    <Flex gap={1} wrap="wrap">
                      {c.status === 'draft' && canEnter && (
                        <Button size="S" variant="secondary" onClick={() => run(c, 'submit', {}, 'Note soumise : elle a reçu son numéro.')}>
                          Soumettre
                        </Button>
                      )}
                      {c.status === 'submitted' && canManage && (
                        <Button size="S" startIcon={<Check />} onClick={() => run(c, 'approve', {}, `Note ${c.number} approuvée.`)}>
                          Approuver
                        </Button>
                      )}
                      {(c.status === 'submitted' || c.status === 'approved') && canManage && (
                        <Button size="S" variant="danger-light" startIcon={<Cross />} onClick={() => open(c, 'refuse')}>
                          Refuser
                        </Button>
                      )}
                      {c.status === 'approved' && canManage && (
                        <>
                          <Button size="S" onClick={() => open(c, 'reimburse')}>
                            Rembourser
                          </Button>
                          <Button size="S" variant="secondary" onClick={() => open(c, 'waive')}>
                            Abandon (don)
                          </Button>
                        </>
                      )}
                      <Button
                        size="S"
                        variant="tertiary"
                        startIcon={<Download />}
                        loading={files.busy === `/back-office/expense-claims/${c.documentId}/pdf`}
                        onClick={() =>
                          files.download(`/back-office/expense-claims/${c.documentId}/pdf`, `${c.number ?? 'note-de-frais'}.pdf`)
                        }
                      >
                        PDF
                      </Button>
                    </Flex>
                  </Td>
                </Tr>
              ))}
              {!list.loading && claims.length === 0 && (
                <Tr>
                  <Td colSpan={6}>
                    <Typography textColor="neutral600">Aucune note de frais pour l’instant.</Typography>
                  </Td>
                </Tr>
              )}
            </Tbody>
          </Table>
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};

export default ExpenseClaimsPage;
