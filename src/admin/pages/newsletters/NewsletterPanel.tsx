import * as React from 'react';
import { Box, Button, Flex, Typography } from '@strapi/design-system';
import { useFetchClient, useNotification, useRBAC } from '@strapi/strapi/admin';

const NEWSLETTER = 'api::newsletter.newsletter';
const SEND = [{ action: 'api::back-office.newsletters.send', subject: null }];

interface State {
  status: 'draft' | 'sending' | 'sent' | 'failed';
  audienceCount: number;
  recipientsCount: number;
  sentCount: number;
  failedCount: number;
  sentAt?: string | null;
}

const STATUS_LABELS: Record<State['status'], string> = {
  draft: 'Brouillon (pas encore envoyée)',
  sending: 'Envoi en cours…',
  sent: 'Envoyée',
  failed: 'Envoi incomplet : relancez l’envoi pour reprendre',
};

const errorMessage = (e: any) => e?.response?.data?.error?.message ?? 'Erreur inattendue, réessayez.';

/** The panel's content: status and counts, then preview, test send and send (RBAC newsletters.send). */
const Content = ({ documentId }: { documentId: string }) => {
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const { allowedActions } = useRBAC({ send: SEND });
  const [state, setState] = React.useState<State | null>(null);
  const [busy, setBusy] = React.useState(false);
  const base = `/back-office/newsletters/${documentId}`;

  const refresh = React.useCallback(async () => {
    try {
      const { data } = await get<State>(`${base}/recipients`);
      setState(data);
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorMessage(e) });
    }
  }, [base]);

  React.useEffect(() => {
    if (allowedActions.canSend) refresh();
  }, [refresh, allowedActions.canSend]);
  React.useEffect(() => {
    if (state?.status !== 'sending') return;
    const t = setInterval(refresh, 3000);
    return () => clearInterval(t);
  }, [state?.status, refresh]);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  const preview = () =>
    run(async () => {
      const { data } = await get<{ html: string }>(`${base}/preview`);
      const url = URL.createObjectURL(new Blob([data.html], { type: 'text/html' }));
      window.open(url, '_blank');
    });
  const test = () =>
    run(async () => {
      const { data } = await post<{ message: string }>(`${base}/test`, {});
      toggleNotification({ type: 'success', message: data.message });
    });
  const send = () =>
    run(async () => {
      const resuming = state?.status === 'failed' || state?.status === 'sending';
      const question = resuming
        ? 'Reprendre l’envoi ? Seuls les destinataires qui ne l’ont pas encore reçue la recevront.'
        : `Envoyer cette lettre à ${state?.audienceCount ?? 0} destinataire(s) ? L’envoi ne peut pas être annulé.`;
      if (!window.confirm(question)) return;
      await post(`${base}/send`, {});
      toggleNotification({ type: 'success', message: 'Envoi lancé : il se poursuit en arrière-plan.' });
      await refresh();
    });

  if (!allowedActions.canSend) {
    return <Typography variant="pi">Réservé aux personnes qui ont le droit « Envoyer les newsletters ».</Typography>;
  }
  if (!state) return <Typography variant="pi">Chargement…</Typography>;
  const canSend = state.status !== 'sent' && state.status !== 'sending';
  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      <Typography variant="sigma">{STATUS_LABELS[state.status] ?? state.status}</Typography>
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
          {canSend && (
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
