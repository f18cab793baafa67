import * as React from 'react';
import {
  Alert,
  Box,
  Button,
  Combobox,
  ComboboxOption,
  DatePicker,
  Field,
  Flex,
  Grid,
  Modal,
  SingleSelect,
  SingleSelectOption,
  TextInput,
  Typography,
} from '@strapi/design-system';
import { useGet, usePost } from '../_lib';
import { euros, frenchDay, parseAmount } from './format';

/**
 * « Enregistrer une cotisation »: one dialog for the treasurer (src/back-office/dues/record.ts). The
 * membership type pre-fills the amount; the period it buys and the member's new « payée jusqu’au » are
 * shown before recording, with a warning (and the better period in one click) when the period is
 * unusually short or already paid.
 */
interface FormOptions {
  today: string;
  membershipTypes: Array<{ documentId: string; name: string; amount: number | null; durationMonths: number | null }>;
  paymentMethods: Array<{ value: string; label: string }>;
}
interface Quote {
  member: { documentId: string; name: string; duesPaidUntil: string | null };
  periodStart: string;
  periodEnd: string;
  days: number;
  duesPaidUntilAfter: string;
  warnings: Array<{ code: string; message: string; suggestion: { periodStart: string; periodEnd: string; label: string } | null }>;
}
interface Recorded {
  contribution: { periodStart: string; periodEnd: string; amount: number; paymentMethodLabel: string };
  member: { documentId: string; name: string; duesPaidUntil: string | null };
  message: string;
}
/** A calendar day 'YYYY-MM-DD' as the date picker's Date (local midnight), and back. */
const toDate = (day: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(day) ? new Date(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) : undefined;
const fromDate = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

export interface MemberChoice {
  documentId: string;
  name: string;
}

type MemberOption = MemberChoice & { duesPaidUntil: string | null };
const memberLabel = (o: MemberOption) => `${o.name} — payée jusqu’au ${frenchDay(o.duesPaidUntil)}`;

const MemberSearch = ({ onPick }: { onPick: (m: MemberChoice | null) => void }) => {
  const [text, setText] = React.useState('');
  const [picked, setPicked] = React.useState<MemberOption | null>(null);
  // once someone is chosen, the field shows their label: that is not a new search
  const search = picked && text === memberLabel(picked) ? null : text.trim();
  // asked once the typing pauses, from two letters on
  const [asked, setAsked] = React.useState('');
  React.useEffect(() => {
    if (search === null) return;
    const t = setTimeout(() => setAsked(search), 250);
    return () => clearTimeout(t);
  }, [search]);
  const found = useGet<MemberOption[], { data: MemberOption[] }>(asked.length >= 2 ? '/back-office/dues/members' : null, {
    params: { search: asked },
    select: (body) => body.data,
  });
  const options = (search === null || search.length >= 2) && !found.error ? (found.data ?? []) : [];
  const shown = picked && !options.some((o) => o.documentId === picked.documentId) ? [picked, ...options] : options;
  const choose = (o: MemberOption | null) => {
    setPicked(o);
    onPick(o ? { documentId: o.documentId, name: o.name } : null);
  };
  return (
    <Field.Root name="member" required>
      <Field.Label>Adhérent</Field.Label>
      <Combobox
        placeholder="Tapez un nom ou un n° d’adhérent"
        value={picked?.documentId}
        textValue={text}
        onTextValueChange={setText}
        // the server has filtered: a filter other than 'contains' or 'startsWith' keeps every option shown
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the design system's Combobox types name only its two string filters
        autocomplete={{ type: 'list', filter: () => true } as any}
        onChange={(v?: string) => {
          const o = shown.find((x) => x.documentId === v);
          if (o) choose(o);
          else if (!v) choose(null);
        }}
        onClear={() => {
          setText('');
          choose(null);
        }}
        noOptionsMessage={() => (text.trim().length < 2 ? 'Tapez au moins deux lettres' : 'Aucun adhérent trouvé')}
        data-testid="contribution-member"
      >
        {shown.map((o) => (
          <ComboboxOption key={o.documentId} value={o.documentId}>
            {memberLabel(o)}
          </ComboboxOption>
        ))}
      </Combobox>
    </Field.Root>
  );
};

const Form = ({
  member: fixedMember,
  onRecorded,
  onClose,
}: {
  member?: MemberChoice;
  onRecorded?: (r: Recorded) => void;
  onClose: () => void;
}) => {
  const form = useGet<FormOptions, { data: FormOptions }>('/back-office/dues/contribution-form', { select: (body) => body.data });
  const options = form.data ?? null;
  const { send: post } = usePost();
  const [member, setMember] = React.useState<MemberChoice | null>(fixedMember ?? null);
  const [type, setType] = React.useState<string>('');
  const [amount, setAmount] = React.useState('');
  const [method, setMethod] = React.useState<string>('');
  const [paidAt, setPaidAt] = React.useState('');
  const [periodStart, setPeriodStart] = React.useState<string | null>(null);
  const [reference, setReference] = React.useState('');
  const [quote, setQuote] = React.useState<Quote | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  const [busy, setBusy] = React.useState(false);
  const [done, setDone] = React.useState<Recorded | null>(null);

  // paid today unless said otherwise
  const today = options?.today;
  React.useEffect(() => {
    if (today) setPaidAt((current) => current || today);
  }, [today]);
  React.useEffect(() => {
    if (form.error) setError(`Le formulaire n’a pas pu être chargé : ${form.error}`);
  }, [form.error]);

  // what the payment buys, recomputed when what decides it changes
  React.useEffect(() => {
    setQuote(null);
    if (!member || !type || !/^\d{4}-\d{2}-\d{2}$/.test(paidAt)) return;
    let live = true;
    post('/back-office/dues/contributions/quote', { member: member.documentId, membershipType: type, paidAt, periodStart }).then((res) => {
      if (!live) return;
      if (res.error !== undefined) setError(res.error);
      else setQuote((res.data as { data: Quote }).data);
    });
    return () => {
      live = false;
    };
  }, [post, member, type, paidAt, periodStart]);

  const paidAtDate = React.useMemo(() => toDate(paidAt), [paidAt]);

  const pickType = (documentId: string) => {
    setType(documentId);
    const t = options?.membershipTypes.find((x) => x.documentId === documentId);
    if (t && t.amount !== null) setAmount(String(t.amount).replace('.', ','));
  };

  const submit = async () => {
    setError(null);
    const value = parseAmount(amount);
    if (Number.isNaN(value)) return setError('Montant (€) : un nombre, par exemple 20 ou 20,50.');
    setBusy(true);
    const res = await post('/back-office/dues/contributions', {
      member: member?.documentId,
      membershipType: type || undefined,
      amount: value ?? undefined,
      paymentMethod: method || undefined,
      paidAt,
      periodStart,
      reference: reference.trim() || undefined,
    });
    setBusy(false);
    if (res.error !== undefined) return setError(res.error);
    const recorded = (res.data as { data: Recorded }).data;
    setDone(recorded);
    onRecorded?.(recorded);
  };

  if (done) {
    return (
      <>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={3} data-testid="contribution-recorded">
            <Alert variant="success" title="Cotisation enregistrée" closeLabel="Fermer" onClose={onClose}>
              {done.message}
            </Alert>
            <Typography>
              {euros(done.contribution.amount)} ({done.contribution.paymentMethodLabel}), période du{' '}
              {frenchDay(done.contribution.periodStart)} au {frenchDay(done.contribution.periodEnd)}.
            </Typography>
            <Typography fontWeight="bold" data-testid="contribution-paid-until">
              Payée jusqu’au : {frenchDay(done.member.duesPaidUntil)}
            </Typography>
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <span />
          <Button onClick={onClose}>Fermer</Button>
        </Modal.Footer>
      </>
    );
  }

  return (
    <>
      <Modal.Body>
        {!options ? (
          <Typography>{error ?? 'Chargement…'}</Typography>
        ) : (
          <Flex direction="column" alignItems="stretch" gap={4}>
            {fixedMember ? (
              <Typography>
                Adhérent : <strong>{fixedMember.name}</strong>
              </Typography>
            ) : (
              <MemberSearch onPick={setMember} />
            )}
            <Grid.Root gap={4}>
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                <Field.Root name="membershipType" required>
                  <Field.Label>Type d’adhésion</Field.Label>
                  <SingleSelect value={type} onChange={(v: string | number) => pickType(String(v))} placeholder="Choisissez">
                    {options.membershipTypes.map((t) => (
                      <SingleSelectOption key={t.documentId} value={t.documentId}>
                        {`${t.name} — ${euros(t.amount)}`}
                      </SingleSelectOption>
                    ))}
                  </SingleSelect>
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                <Field.Root name="amount" hint="Vide : le montant du type d’adhésion">
                  <Field.Label>Montant (€)</Field.Label>
                  <TextInput
                    inputMode="decimal"
                    value={amount}
                    onChange={(e: React.ChangeEvent<HTMLInputElement>) => setAmount(e.target.value)}
                  />
                  <Field.Hint />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                <Field.Root name="paymentMethod" required>
                  <Field.Label>Moyen de paiement</Field.Label>
                  <SingleSelect value={method} onChange={(v: string | number) => setMethod(String(v))} placeholder="Choisissez">
                    {options.paymentMethods.map((m) => (
                      <SingleSelectOption key={m.value} value={m.value}>
                        {m.label}
                      </SingleSelectOption>
                    ))}
                  </SingleSelect>
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                <Field.Root name="paidAt" required>
                  <Field.Label>Payée le</Field.Label>
                  <DatePicker
                    locale="fr-FR"
                    clearLabel="Effacer"
                    value={paidAtDate}
                    onChange={(date?: Date) => {
                      setPaidAt(date ? fromDate(date) : '');
                      setPeriodStart(null);
                    }}
                    onClear={() => setPaidAt('')}
                  />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={12} direction="column" alignItems="stretch">
                <Field.Root name="reference" hint="N° de chèque, de virement… (facultatif, unique)">
                  <Field.Label>Référence</Field.Label>
                  <TextInput value={reference} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setReference(e.target.value)} />
                  <Field.Hint />
                </Field.Root>
              </Grid.Item>
            </Grid.Root>
            {quote && (
              <Box background="neutral100" padding={4} hasRadius data-testid="contribution-quote">
                <Typography tag="p">
                  Période couverte : du {frenchDay(quote.periodStart)} au {frenchDay(quote.periodEnd)}
                  {periodStart ? ' (choisie)' : ''}
                </Typography>
                <Typography tag="p" fontWeight="bold">
                  Payée jusqu’au après cet enregistrement : {frenchDay(quote.duesPaidUntilAfter)} (aujourd’hui :{' '}
                  {frenchDay(quote.member.duesPaidUntil)})
                </Typography>
                {periodStart && (
                  <Button variant="tertiary" size="S" onClick={() => setPeriodStart(null)}>
                    Revenir à une période qui commence le jour du paiement
                  </Button>
                )}
              </Box>
            )}
            {quote?.warnings.map((w) => (
              <Alert key={w.code} variant="warning" title="Attention" closeLabel="Masquer" data-testid={`contribution-warning-${w.code}`}>
                <Flex direction="column" alignItems="flex-start" gap={2}>
                  <Typography>{w.message}</Typography>
                  {w.suggestion && (
                    <Button variant="secondary" size="S" onClick={() => setPeriodStart(w.suggestion!.periodStart)}>
                      {w.suggestion.label}
                    </Button>
                  )}
                </Flex>
              </Alert>
            ))}
            {error && (
              <Typography textColor="danger600" tag="p" role="alert">
                {error}
              </Typography>
            )}
          </Flex>
        )}
      </Modal.Body>
      <Modal.Footer>
        <Modal.Close>
          <Button variant="tertiary">Annuler</Button>
        </Modal.Close>
        <Button onClick={submit} loading={busy} disabled={!options || !member || !type || !method} data-testid="contribution-submit">
          Enregistrer la cotisation
        </Button>
      </Modal.Footer>
    </>
  );
};

/**
 * The button and its dialog; `member` fixed on a member's page, chosen in the dialog on the Cotisations
 * page. `onRecorded` is called when the dialog closes after a recording (the page behind may then
 * reload without taking the dialog away from under the treasurer's eyes).
 */
export const RecordContributionButton = ({
  member,
  onRecorded,
  variant = 'default',
  size,
  label = 'Enregistrer une cotisation',
}: {
  member?: MemberChoice;
  onRecorded?: (r: Recorded) => void;
  variant?: 'default' | 'secondary' | 'tertiary';
  size?: 'S' | 'M' | 'L';
  label?: string;
}) => {
  const [open, setOpen] = React.useState(false);
  const recorded = React.useRef<Recorded | null>(null);
  const change = (next: boolean) => {
    setOpen(next);
    if (!next && recorded.current) {
      const r = recorded.current;
      recorded.current = null;
      onRecorded?.(r);
    }
  };
  return (
    <Modal.Root open={open} onOpenChange={change}>
      <Modal.Trigger>
        <Button
          variant={variant}
          size={size}
          fullWidth={!size}
          aria-label={member ? `Enregistrer une cotisation pour ${member.name}` : undefined}
        >
          {label}
        </Button>
      </Modal.Trigger>
      <Modal.Content>
        <Modal.Header closeLabel="Fermer">
          <Modal.Title>Enregistrer une cotisation{member ? ` — ${member.name}` : ''}</Modal.Title>
        </Modal.Header>
        {open && <Form member={member} onRecorded={(r) => (recorded.current = r)} onClose={() => change(false)} />}
      </Modal.Content>
    </Modal.Root>
  );
};

export type { Recorded };
