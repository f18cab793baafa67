import * as React from 'react';
import { Box, Button, Flex, Typography } from '@strapi/design-system';
import { useNotification } from '@strapi/strapi/admin';
import { enumLabel, type EnumValue } from '../../../contract/labels';
import { ACTIONS } from '../../../contract/permissions';
import { useCan, useGet, usePost } from '../../_lib';

const NEWSLETTER = 'api::newsletter.newsletter';

interface State {
  status: EnumValue<typeof NEWSLETTER, 'status'>;
  audienceCount: number;
  recipientsCount: number;
  sentCount: number;
  failedCount: number;
  sentAt?: string | null;
}

/** The status as the list names it, with what it means here. */
const STATUS_HINTS: Partial<Record<State['status'], string>> = {
  draft: ' (pas encore envoyée)',
  sending: '…',
  failed: ' : relancez l’envoi pour reprendre',
};
const statusText = (status: State['status']) => `${enumLabel(NEWSLETTER, 'status', status)}${STATUS_HINTS[status] ?? ''}`;

/** The panel's content: status and counts, then preview, test send and send (RBAC newsletters.send). */
const Content = ({ documentId }: { documentId: string }) => {
  const { toggleNotification } = useNotification();
  const canSend = useCan(ACTIONS.newslettersSend).allowed;
  const base = `/back-office/newsletters/${documentId}`;
  const recipients = useGet<State>(canSend ? `${base}/recipients` : null);
  const action = usePost<{ html?: string; message?: string }>();
  const state = recipients.data ?? null;
  const busy = action.loading;
  const { reload } = recipients;

  React.useEffect(() => {
    if (recipients.error) toggleNotification({ type: 'danger', message: recipients.error });
  }, [recipients.error, toggleNotification]);
  React.useEffect(() => {
    if (state?.status !== 'sending') return;
    const t = setInterval(reload, 3000);
    return () => clearInterval(t);
  }, [state?.status, reload]);

  /** Runs a request; tells its failure in a notification; gives its answer when it succeeded. */
  const run = async (url: string, method: 'GET' | 'POST') => {
    const { data, error } = await action.send(url, {}, { method });
    if (error !== undefined) toggleNotification({ type: 'danger', message: error });
    return data;
  };

  const preview = async () => {
    const data = await run(`${base}/preview`, 'GET');
    if (data?.html !== undefined) window.open(URL.createObjectURL(new Blob([data.html], { type: 'text/html' })), '_blank');
  };
  const test = async () => {
    const data = await run(`${base}/test`, 'POST');
    if (data) toggleNotification({ type: 'success', message: data.message ?? '' });
  };
  const send = async () => {
    const resuming = state?.status === 'failed' || state?.status === 'sending';
    const question = resuming
      ? 'Reprendre l’envoi ? Seuls les destinataires qui ne l’ont pas encore reçue la recevront.'
      : `Envoyer cette lettre à ${state?.audienceCount ?? 0} destinataire(s) ? L’envoi ne peut pas être annulé.`;
    if (!window.confirm(question)) return;
    if (!(await run(`${base}/send`, 'POST'))) return;
    toggleNotification({ type: 'success', message: 'Envoi lancé : il se poursuit en arrière-plan.' });
    reload();
  };

  if (!canSend) {
    return <Typography variant="pi">Réservé aux personnes qui ont le droit « Envoyer les newsletters ».</Typography>;
  }
  if (!state) return <Typography variant="pi">Chargement…</Typography>;
  const sendable = state.status !== 'sent' && state.status !== 'sending';
  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      <Typography variant="sigma">{statusText(state.status)}</Typography>
      {state.status === 'draft' ? (
        <Typography variant="pi">Destinataires : {state.audienceCount} (chaque adresse une seule fois, désinscrits exclus)</Typography>
      ) : (
        <Typography variant="pi">
          Destinataires : {state.recipientsCount} · envoyées : {state.sentCount} · en échec : {state.failedCount}
        </Typography>
      )}
      <Typography variant="pi" textColor="neutral600">
        Enregistrez vos modifications avant l’aperçu ou l’envoi.
      </Typography>
      <Box>
        <Flex direction="column" alignItems="stretch" gap={2}>
          <Button variant="tertiary" onClick={preview} disabled={busy} fullWidth>
            Aperçu
          </Button>
          <Button variant="secondary" onClick={test} disabled={busy} fullWidth>
            M’envoyer un test
          </Button>
          {sendable && (
            <Button variant="default" onClick={send} disabled={busy} fullWidth>
              {state.status === 'failed' ? 'Reprendre l’envoi' : 'Envoyer la lettre'}
            </Button>
          )}
        </Flex>
      </Box>
    </Flex>
  );
};

/** Side panel of the content manager's edit view, only for a saved newsletter. */
export const NewsletterPanel = ({ model, documentId }: { model: string; documentId?: string }) => {
  if (model !== NEWSLETTER || !documentId) return null;
  return { title: 'Envoi de la lettre', content: <Content documentId={documentId} /> };
};
