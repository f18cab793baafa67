import * as React from 'react';
import { useFetchClient, useRBAC, Page, Layouts } from '@strapi/strapi/admin';
import {
  Alert,
  Badge,
  Box,
  Button,
  Field,
  Flex,
  Table,
  Tbody,
  Td,
  TextInput,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { Download, Eye, Mail, Cross, Check } from '@strapi/icons';
import { ACTIONS } from '../../../shared/permissions';

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

const PERMISSIONS = {
  generate: [{ action: ACTIONS.receiptsGenerate, subject: null }],
  cancel: [{ action: ACTIONS.receiptsCancel, subject: null }],
  send: [{ action: ACTIONS.receiptsSend, subject: null }],
};
const thisYear = Number(new Intl.DateTimeFormat('en', { timeZone: 'Europe/Paris', year: 'numeric' }).format(new Date()));
const euros = (decimal: string | number) => new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(Number(decimal));
const day = (iso: string | null) => (iso ? iso.slice(0, 10).split('-').reverse().join('/') : '—');
const errorText = (e: any) => e?.response?.data?.error?.message ?? e?.message ?? 'Erreur inconnue';
const EMAIL_LABELS: Record<string, string> = { pending: 'À envoyer', sent: 'Envoyé', failed: 'Échec' };

/** Downloads a file from an admin route (the admin token goes with the request, a plain link would not carry it). */
const useDownload = (onError: (text: string) => void) => {
  const { get } = useFetchClient();
  return async (url: string, name: string) => {
    try {
      const { data } = await get(url, { responseType: 'blob' } as any);
      const href = URL.createObjectURL(data as Blob);
      const link = document.createElement('a');
      link.href = href;
      link.download = name;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(href), 10000);
    } catch (e) {
      onError(`Téléchargement impossible : ${errorText(e)}`);
    }
  };
};

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
  const { get, post } = useFetchClient();
  const { allowedActions } = useRBAC(PERMISSIONS);
  const [message, setMessage] = React.useState<{ variant: 'success' | 'danger'; text: string } | null>(null);
  const fail = (text: string) => setMessage({ variant: 'danger', text });
  const download = useDownload(fail);

  const [giftYear, setGiftYear] = React.useState(thisYear - 1);
  const [issueYear, setIssueYear] = React.useState(thisYear);
  const [preview, setPreview] = React.useState<Preview | null>(null);
  const [busy, setBusy] = React.useState(false);
  const [receipts, setReceipts] = React.useState<Receipt[]>([]);
  const [page, setPage] = React.useState(1);
  const [total, setTotal] = React.useState(0);
  const [cancelling, setCancelling] = React.useState<{ receipt: Receipt; replace: boolean } | null>(null);
  const [reason, setReason] = React.useState('');
  const [sending, setSending] = React.useState<Sending | null>(null);
  const [declaration, setDeclaration] = React.useState<Declaration | null>(null);

  const loadList = React.useCallback(async () => {
    try {
      const { data } = await get<{ data: Receipt[]; pagination: { total: number } }>('/back-office/receipts', {
        params: { year: issueYear, page, pageSize: 50 },
      });
      setReceipts(data.data);
      setTotal(data.pagination.total);
    } catch (e) {
      fail(`Impossible de lire les reçus : ${errorText(e)}`);
    }
    get<Declaration>('/back-office/receipts/declaration', { params: { year: issueYear } })
      .then(({ data }) => setDeclaration(data))
      .catch(() => setDeclaration(null)); // the partnerships manager does not see the declaration
  }, [get, issueYear, page]);
  const loadSending = React.useCallback(async () => {
    if (!allowedActions.canSend) return;
    try {
      const { data } = await get<Sending>('/back-office/receipts/send', { params: { year: issueYear } });
      setSending(data);
      return data;
    } catch (e) {
      fail(errorText(e));
    }
  }, [get, issueYear, allowedActions.canSend]);
  React.useEffect(() => {
    loadList();
  }, [loadList]);
  React.useEffect(() => {
    loadSending();
  }, [loadSending]);
  // while a sending runs, its counts are refreshed every two seconds
  React.useEffect(() => {
    if (!sending?.running) return;
    const timer = setTimeout(async () => {
      const now = await loadSending();
      if (now && !now.running) loadList();
    }, 2000);
    return () => clearTimeout(timer);
  }, [sending, loadSending, loadList]);

  const run = async (what: () => Promise<void>) => {
    setBusy(true);
    setMessage(null);
    try {
      await what();
    } catch (e) {
      fail(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const doPreview = () =>
    run(async () => {
      const { data } = await post<Preview>('/back-office/receipts/preview', { year: giftYear, mode: 'annual' });
      setPreview(data);
    });
  const doGenerate = () =>
    run(async () => {
      const { data } = await post<Array<{ number: string }>>('/back-office/receipts/generate', { year: giftYear, mode: 'annual' });
      setPreview(null);
      setMessage({
        variant: 'success',
        text: data.length
          ? `${data.length} reçu(s) émis, du n° ${data[0].number} au n° ${data[data.length - 1].number}.`
          : 'Aucun reçu à émettre : tous les dons éligibles sont déjà couverts.',
      });
      setIssueYear(thisYear);
      await loadList();
      await loadSending();
    });
  const doCancel = () =>
    run(async () => {
      if (!cancelling) return;
      const { receipt, replace } = cancelling;
      const { data } = await post<any>(`/back-office/receipts/${receipt.documentId}/${replace ? 'replace' : 'cancel'}`, { reason });
      setMessage({
        variant: 'success',
        text: replace
          ? `Reçu n° ${receipt.number} annulé et remplacé par le n° ${data.replacement.number}.`
          : `Reçu n° ${receipt.number} annulé : son numéro reste utilisé.`,
      });
      setCancelling(null);
      setReason('');
      await loadList();
    });
  const doSend = () =>
    run(async () => {
      const { data } = await post<Sending>('/back-office/receipts/send', { year: issueYear });
      setSending(data);
    });

  return (
    <Page.Main>
      <Page.Title>Reçus fiscaux</Page.Title>
      <Layouts.Header
        title="Reçus fiscaux"
        subtitle="Reçus des dons, numérotés sans trou par année d’émission, jamais modifiés ni supprimés : un reçu erroné s’annule (avec un motif) ou se remplace."
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          {message && (
            <Alert
              variant={message.variant}
              title={message.variant === 'success' ? 'C’est fait' : 'Erreur'}
              onClose={() => setMessage(null)}
              closeLabel="Fermer"
            >
              {message.text}
            </Alert>
          )}

          {allowedActions.canGenerate && (
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
                            {allowedActions.canCancel && !r.cancelled && (
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
                            {allowedActions.canCancel && allowedActions.canGenerate && !r.cancelled && (
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
              {total > 50 && (
                <Flex gap={2}>
                  <Button variant="tertiary" disabled={page === 1} onClick={() => setPage(page - 1)}>
                    Précédents
                  </Button>
                  <Typography>
                    Page {page} sur {Math.ceil(total / 50)}
                  </Typography>
                  <Button variant="tertiary" disabled={page * 50 >= total} onClick={() => setPage(page + 1)}>
                    Suivants
                  </Button>
                </Flex>
              )}
            </Flex>
          </Box>

          {allowedActions.canSend && sending && (
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
