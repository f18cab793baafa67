import * as React from 'react';
import { Outcome, type OutcomeMessage } from '../../components/Outcome';
import { Page, Layouts } from '@strapi/strapi/admin';
import { Alert, Badge, Box, Button, Field, Flex, Table, Tbody, Td, TextInput, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Download, Eye, Mail, Cross, Check } from '@strapi/icons';
import { ACTIONS } from '../../../contract/permissions';
import { ENUMS } from '../../../contract/labels';
import { formatDate, formatEuros } from '../../../contract/format';
import { useCan, useDownload, useGet, usePost } from '../../_lib';

/** Client side of src/back-office/receipts (routes under /back-office/receipts). */
interface PreviewRow {
  donor: { documentId: string; name: string; kind: string; email: string | null };
  donations: number;
  total: string;
  periodStart: string;
  periodEnd: string;
}
interface Exclusion {
  donor: { name: string } | null;
  donation: { receivedAt: string; amount: string } | null;
  reason: string;
}
interface Preview {
  year: number;
  mode: string;
  count: number;
  total: string;
  receipts: PreviewRow[];
  excluded: Exclusion[];
  alreadyCovered: number;
}
interface Receipt {
  documentId: string;
  number: string;
  mode: string;
  donorKind: string;
  donorName: string;
  donorEmail: string | null;
  total: string;
  issuedOn: string;
  cancelled: boolean;
  cancelReason: string | null;
  emailStatus: string | null;
  sentAt: string | null;
}
interface Sending {
  year: number;
  running: boolean;
  receipts: number;
  pending: number;
  sent: number;
  failed: number;
  withoutEmail: Array<{ documentId: string; number: string; donorName: string }>;
}
interface Declaration {
  year: number;
  count: number;
  total: string;
  cancelled: number;
}

const thisYear = Number(new Intl.DateTimeFormat('en', { timeZone: 'Europe/Paris', year: 'numeric' }).format(new Date()));
const euros = formatEuros;
const day = (iso: string | null) => formatDate(iso ? iso.slice(0, 10) : null);
const EMAIL_LABELS: Record<string, string> = ENUMS['api::receipt-delivery.receipt-delivery'].status;
const PAGE_SIZE = 50;

/** A year typed as four digits (a NumberInput would print « 2 025 »). */
const YearInput = ({ label, hint, value, onChange }: { label: string; hint: string; value: number; onChange: (v: number) => void }) => {
  const [text, setText] = React.useState(String(value));
  React.useEffect(() => setText(String(value)), [value]);
  return (
    <Field.Root hint={hint}>
      <Field.Label>{label}</Field.Label>
      <TextInput
        inputMode="numeric"
        value={text}
        onChange={(e: React.ChangeEvent<HTMLInputElement>) => {
          setText(e.target.value);
          if (/^\d{4}$/.test(e.target.value)) onChange(Number(e.target.value));
        }}
      />
      <Field.Hint />
    </Field.Root>
  );
};

/** Reçus fiscaux: preview and issue a year's receipts, the register (PDF, cancel, replace), e-mailing, annual declaration. */
const ReceiptsPage = () => {
  const canGenerate = useCan(ACTIONS.receiptsGenerate).allowed;
  const canCancel = useCan(ACTIONS.receiptsCancel).allowed;
  const canSend = useCan(ACTIONS.receiptsSend).allowed;
  const [message, setMessage] = React.useState<OutcomeMessage | null>(null);
  const fail = (text: string) => setMessage({ variant: 'danger', text });
  const files = useDownload();
  const download = (url: string, name: string) => files.download(url, name);

  const [giftYear, setGiftYear] = React.useState(thisYear - 1);
  const [issueYear, setIssueYear] = React.useState(thisYear);
  const [preview, setPreview] = React.useState<Preview | null>(null);
  const [page, setPage] = React.useState(1);
  const [cancelling, setCancelling] = React.useState<{ receipt: Receipt; replace: boolean } | null>(null);
  const [reason, setReason] = React.useState('');

  const list = useGet<{ data: Receipt[]; pagination: { total: number } }>('/back-office/receipts', {
    params: { year: issueYear, page, pageSize: PAGE_SIZE },
  });
  const receipts = list.data?.data ?? [];
  const total = list.data?.pagination.total ?? 0;
  // the partnerships manager does not read the declaration (403): it is simply not shown
  const declarationState = useGet<Declaration>('/back-office/receipts/declaration', { params: { year: issueYear } });
  const declaration = declarationState.data ?? null;
  const sendingState = useGet<Sending>(canSend ? '/back-office/receipts/send' : null, { params: { year: issueYear } });
  const sending = sendingState.data ?? null;
  const action = usePost();
  const busy = action.loading;

  const reloadList = () => {
    list.reload();
    declarationState.reload();
  };
  // while a sending runs, its counts are refreshed every two seconds (and the register when it ends)
  const { reload: reloadSending } = sendingState;
  const { reload: reloadReceipts } = list;
  const wasRunning = React.useRef(false);
  React.useEffect(() => {
    if (wasRunning.current && sending && !sending.running) reloadReceipts();
    wasRunning.current = Boolean(sending?.running);
    if (!sending?.running) return;
    const timer = setTimeout(reloadSending, 2000);
    return () => clearTimeout(timer);
  }, [sending, reloadSending, reloadReceipts]);

  const act = async <T,>(url: string, body: unknown): Promise<T | undefined> => {
    setMessage(null);
    const res = await action.send(url, body);
    if (res.error !== undefined) {
      fail(res.error);
      return undefined;
    }
    return res.data as T;
  };
  const doPreview = async () => {
    const data = await act<Preview>('/back-office/receipts/preview', { year: giftYear, mode: 'annual' });
    if (data) setPreview(data);
  };
  const doGenerate = async () => {
    const data = await act<Array<{ number: string }>>('/back-office/receipts/generate', { year: giftYear, mode: 'annual' });
    if (!data) return;
    setPreview(null);
    setMessage({
      variant: 'success',
      text: data.length
        ? `${data.length} reçu(s) émis, du n° ${data[0].number} au n° ${data[data.length - 1].number}.`
        : 'Aucun reçu à émettre : tous les dons éligibles sont déjà couverts.',
    });
    setIssueYear(thisYear);
    reloadList();
    sendingState.reload();
  };
  const doCancel = async () => {
    if (!cancelling) return;
    const { receipt, replace } = cancelling;
    // a replacement answers with the new receipt too
    const data = await act<{ replacement?: Pick<Receipt, 'number'> }>(
      `/back-office/receipts/${receipt.documentId}/${replace ? 'replace' : 'cancel'}`,
      { reason }
    );
    if (!data) return;
    setMessage({
      variant: 'success',
      text: replace
        ? `Reçu n° ${receipt.number} annulé et remplacé par le n° ${data.replacement!.number}.`
        : `Reçu n° ${receipt.number} annulé : son numéro reste utilisé.`,
    });
    setCancelling(null);
    setReason('');
    reloadList();
  };
  const doSend = async () => {
    if (await act<Sending>('/back-office/receipts/send', { year: issueYear })) sendingState.reload();
  };
  const loadError = list.error ? `Impossible de lire les reçus : ${list.error}` : (sendingState.error ?? files.error);

  return (
    <Page.Main>
      <Page.Title>Reçus fiscaux</Page.Title>
      <Layouts.Header
        title="Reçus fiscaux"
        subtitle="Reçus des dons, numérotés sans trou par année d’émission, jamais modifiés ni supprimés : un reçu erroné s’annule (avec un motif) ou se remplace."
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          {loadError && !message && (
            <Alert variant="danger" title="Erreur" onClose={files.clearError} closeLabel="Fermer">
              {loadError}
            </Alert>
          )}
          <Outcome message={message} onClose={() => setMessage(null)} />

          {canGenerate && (
            <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius>
              <Flex direction="column" alignItems="stretch" gap={4}>
                <Typography variant="delta" tag="h2">
                  Émettre les reçus d’une année
                </Typography>
                <Flex gap={4} alignItems="flex-end">
                  <YearInput
                    label="Dons de l’année"
                    hint="Particuliers : l’année civile ; entreprises : l’exercice qui se termine cette année-là."
                    value={giftYear}
                    onChange={setGiftYear}
                  />
                  <Button startIcon={<Eye />} variant="secondary" onClick={doPreview} loading={busy}>
                    Aperçu
                  </Button>
                  <Button startIcon={<Check />} onClick={doGenerate} disabled={!preview || preview.count === 0 || busy}>
                    {preview ? `Émettre ${preview.count} reçu(s)` : 'Émettre'}
                  </Button>
                </Flex>
                {preview && (
                  <>
                    <Typography>
                      {preview.count} reçu(s) à émettre pour un total de <strong>{euros(preview.total)}</strong>
                      {preview.alreadyCovered ? ` — ${preview.alreadyCovered} don(s) déjà couverts par un reçu.` : '.'}
                    </Typography>
                    {preview.receipts.length > 0 && (
                      <Table colCount={4} rowCount={preview.receipts.length + 1}>
                        <Thead>
                          <Tr>
                            <Th>
                              <Typography variant="sigma">Donateur</Typography>
                            </Th>
                            <Th>
                              <Typography variant="sigma">Période</Typography>
                            </Th>
                            <Th>
                              <Typography variant="sigma">Dons</Typography>
                            </Th>
                            <Th>
                              <Typography variant="sigma">Montant</Typography>
                            </Th>
                          </Tr>
                        </Thead>
                        <Tbody>
                          {preview.receipts.map((r) => (
                            <Tr key={`${r.donor.documentId}-${r.periodStart}`}>
                              <Td>
                                <Typography>
                                  {r.donor.name}
                                  {r.donor.kind === 'company' ? ' (entreprise)' : ''}
                                  {r.donor.email ? '' : ' — sans e-mail'}
                                </Typography>
                              </Td>
                              <Td>
                                <Typography>
                                  {day(r.periodStart)} – {day(r.periodEnd)}
                                </Typography>
                              </Td>
                              <Td>
                                <Typography>{r.donations}</Typography>
                              </Td>
                              <Td>
                                <Typography>{euros(r.total)}</Typography>
                              </Td>
                            </Tr>
                          ))}
                        </Tbody>
                      </Table>
                    )}
                    {preview.excluded.length > 0 && (
                      <Alert variant="warning" title={`${preview.excluded.length} don(s) sans reçu`} closeLabel="Fermer">
                        {preview.excluded.map((e, i) => (
                          <div key={i}>
                            {e.donor?.name ?? '—'}
                            {e.donation ? ` (${euros(e.donation.amount)} du ${day(e.donation.receivedAt)})` : ''} : {e.reason}
                          </div>
                        ))}
                      </Alert>
                    )}
                  </>
                )}
              </Flex>
            </Box>
          )}

          <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius>
            <Flex direction="column" alignItems="stretch" gap={4}>
              <Typography variant="delta" tag="h2">
                Registre des reçus
              </Typography>
              <Flex gap={4} alignItems="flex-end">
                <YearInput
                  label="Reçus émis en"
                  hint="L’année d’émission, celle du numéro."
                  value={issueYear}
                  onChange={(y) => {
                    setIssueYear(y);
                    setPage(1);
                  }}
                />
                <Button
                  variant="tertiary"
                  startIcon={<Download />}
                  onClick={() => download(`/back-office/receipts/print?year=${issueYear}`, `recus-fiscaux-${issueYear}.pdf`)}
                >
                  Tout imprimer (PDF)
                </Button>
              </Flex>
              {declaration && (
                <Typography>
                  Déclaration annuelle {declaration.year} (reçus émis, annulés exclus) : <strong>{declaration.count} reçu(s)</strong> pour{' '}
                  <strong>{euros(declaration.total)}</strong>
                  {declaration.cancelled ? ` — ${declaration.cancelled} annulé(s) non comptés.` : '.'}{' '}
                  <Button
                    variant="ghost"
                    size="S"
                    onClick={() =>
                      download(`/back-office/receipts/declaration?year=${issueYear}&format=csv`, `recus-fiscaux-${issueYear}.csv`)
                    }
                  >
                    CSV
                  </Button>
                  <Button
                    variant="ghost"
                    size="S"
                    onClick={() =>
                      download(`/back-office/receipts/declaration?year=${issueYear}&format=xlsx`, `recus-fiscaux-${issueYear}.xlsx`)
                    }
                  >
                    Excel
                  </Button>
                </Typography>
              )}
              {cancelling && (
                <Box background="danger100" padding={4} hasRadius>
                  <Flex gap={4} alignItems="flex-end">
                    <Field.Root required>
                      <Field.Label>
                        {cancelling.replace
                          ? `Remplacer le reçu n° ${cancelling.receipt.number} — motif`
                          : `Annuler le reçu n° ${cancelling.receipt.number} — motif`}
                      </Field.Label>
                      <TextInput value={reason} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setReason(e.target.value)} />
                    </Field.Root>
                    <Button variant="danger" onClick={doCancel} disabled={!reason.trim() || busy}>
                      {cancelling.replace ? 'Annuler et émettre le reçu corrigé' : 'Annuler le reçu'}
                    </Button>
                    <Button variant="tertiary" onClick={() => setCancelling(null)}>
                      Fermer
                    </Button>
                  </Flex>
                </Box>
              )}
              {receipts.length === 0 ? (
                <Typography>Aucun reçu émis en {issueYear}.</Typography>
              ) : (
                <Table colCount={6} rowCount={receipts.length + 1}>
                  <Thead>
                    <Tr>
                      <Th>
                        <Typography variant="sigma">Numéro</Typography>
                      </Th>
                      <Th>
                        <Typography variant="sigma">Donateur</Typography>
                      </Th>
                      <Th>
                        <Typography variant="sigma">Montant</Typography>
                      </Th>
                      <Th>
                        <Typography variant="sigma">Émis le</Typography>
                      </Th>
                      <Th>
                        <Typography variant="sigma">État</Typography>
                      </Th>
                      <Th>
                        <Typography variant="sigma">Actions</Typography>
                      </Th>
                    </Tr>
                  </Thead>
                  <Tbody>
                    {receipts.map((r) => (
                      <Tr key={r.documentId}>
                        <Td>
                          <Typography fontWeight="bold">{r.number}</Typography>
                        </Td>
                        <Td>
                          <Typography>
                            {r.donorName}
                            {r.mode === 'annual' ? ' (récapitulatif)' : ''}
                          </Typography>
                        </Td>
                        <Td>
                          <Typography>{euros(r.total)}</Typography>
                        </Td>
                        <Td>
                          <Typography>{day(r.issuedOn)}</Typography>
                        </Td>
                        <Td>
                          {r.cancelled ? (
                            <Badge backgroundColor="danger100" textColor="danger700" title={r.cancelReason ?? ''}>
                              Annulé
                            </Badge>
                          ) : (
                            <Badge>
                              {r.emailStatus ? EMAIL_LABELS[r.emailStatus] : r.donorEmail ? 'Non envoyé' : 'À imprimer (sans e-mail)'}
                            </Badge>
                          )}
                        </Td>
                        <Td>
                          <Flex gap={1}>
                            <Button
                              variant="tertiary"
                              size="S"
                              startIcon={<Download />}
                              onClick={() => download(`/back-office/receipts/${r.documentId}/pdf`, `recu-fiscal-${r.number}.pdf`)}
                            >
                              PDF
                            </Button>
                            {canCancel && !r.cancelled && (
                              <Button
                                variant="danger-light"
                                size="S"
                                startIcon={<Cross />}
                                onClick={() => {
                                  setCancelling({ receipt: r, replace: false });
                                  setReason('');
                                }}
                              >
                                Annuler
                              </Button>
                            )}
                            {canCancel && canGenerate && !r.cancelled && (
                              <Button
                                variant="secondary"
                                size="S"
                                onClick={() => {
                                  setCancelling({ receipt: r, replace: true });
                                  setReason('');
                                }}
                              >
                                Remplacer
                              </Button>
                            )}
                          </Flex>
                        </Td>
                      </Tr>
                    ))}
                  </Tbody>
                </Table>
              )}
              {total > PAGE_SIZE && (
                <Flex gap={2}>
                  <Button variant="tertiary" disabled={page === 1} onClick={() => setPage(page - 1)}>
                    Précédents
                  </Button>
                  <Typography>
                    Page {page} sur {Math.ceil(total / PAGE_SIZE)}
                  </Typography>
                  <Button variant="tertiary" disabled={page * PAGE_SIZE >= total} onClick={() => setPage(page + 1)}>
                    Suivants
                  </Button>
                </Flex>
              )}
            </Flex>
          </Box>

          {canSend && sending && (
            <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius>
              <Flex direction="column" alignItems="stretch" gap={4}>
                <Typography variant="delta" tag="h2">
                  Envoi par e-mail des reçus émis en {issueYear}
                </Typography>
                <Typography>
                  {sending.sent} envoyé(s), {sending.pending} en attente, {sending.failed} en échec, sur {sending.receipts} reçu(s) non
                  annulés.
                  {sending.running ? ' Envoi en cours…' : ''} Chaque reçu part une seule fois ; relancer l’envoi reprend là où il s’est
                  arrêté.
                </Typography>
                <Flex gap={2}>
                  <Button startIcon={<Mail />} onClick={doSend} loading={busy || sending.running} disabled={sending.running}>
                    Envoyer les reçus
                  </Button>
                  {sending.withoutEmail.length > 0 && (
                    <Button
                      variant="secondary"
                      startIcon={<Download />}
                      onClick={() =>
                        download(`/back-office/receipts/print?year=${issueYear}&withoutEmail=1`, `recus-a-imprimer-${issueYear}.pdf`)
                      }
                    >
                      Imprimer les {sending.withoutEmail.length} reçu(s) sans e-mail
                    </Button>
                  )}
                </Flex>
                {sending.withoutEmail.length > 0 && (
                  <Typography textColor="neutral600">
                    Sans adresse e-mail (à remettre ou poster) : {sending.withoutEmail.map((r) => `${r.number} ${r.donorName}`).join(', ')}.
                  </Typography>
                )}
              </Flex>
            </Box>
          )}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};

export default ReceiptsPage;
