import * as React from 'react';
import { Alert, Box, Button, Checkbox, Field, Flex, Modal, Textarea, TextInput, Typography } from '@strapi/design-system';
import { usePost } from '../_lib';

/**
 * « Écrire aux bénévoles »: an e-mail to the people on the mission (POST /back-office/missions/:id/messages),
 * with variables, a preview for the first recipient, and the counts of the messages already written.
 * The server never sends the same message twice to the same person.
 */
interface Preview {
  subject: string;
  html: string;
  recipientsCount: number;
  alreadyReceived: number;
  withoutEmail: string[];
  sampleName: string;
}
export interface MessageSummary {
  documentId: string;
  subject: string;
  status: 'sending' | 'sent' | 'failed';
  recipientsCount: number;
  sentCount: number;
  failedCount: number;
  sentBy: string | null;
  createdAt: string;
}

const VARIABLES: Array<[string, string]> = [
  ['{{firstName}}', 'prénom'],
  ['{{missionTitle}}', 'titre de la mission'],
  ['{{missionDate}}', 'date et heure'],
  ['{{missionPlace}}', 'lieu'],
];

export const MESSAGE_STATUS: Record<MessageSummary['status'], string> = {
  sending: 'envoi en cours',
  sent: 'envoyé',
  failed: 'envoi incomplet',
};

export const MissionMessageButton = ({ mission, onSent }: { mission: string; onSent: () => void }) => {
  const poster = usePost();
  const post = poster.send;
  const [open, setOpen] = React.useState(false);
  const [subject, setSubject] = React.useState('');
  const [body, setBody] = React.useState('Bonjour {{firstName}},\n\n\n\nRendez-vous {{missionDate}}, {{missionPlace}}.\n\nMerci !');
  const [waitlisted, setWaitlisted] = React.useState(false);
  const [preview, setPreview] = React.useState<Preview | null>(null);
  const [confirming, setConfirming] = React.useState(false);
  const [notice, setNotice] = React.useState<string | null>(null);
  const { error, loading: busy, clearError } = poster;
  const form = { subject, body, includeWaitlisted: waitlisted };

  React.useEffect(() => {
    setPreview(null);
    setConfirming(false);
  }, [subject, body, waitlisted]);

  const showPreview = async () => {
    clearError();
    const res = await post(`/back-office/missions/${mission}/messages/preview`, form);
    if (res.error === undefined) setPreview((res.data as { data: Preview }).data);
  };
  const send = async () => {
    clearError();
    const res = await post(`/back-office/missions/${mission}/messages`, form);
    if (res.error !== undefined) return;
    setNotice((res.data as { data: { notice: string } }).data.notice);
    setConfirming(false);
    onSent();
  };
  const toSend = preview ? preview.recipientsCount - preview.alreadyReceived : 0;

  return (
    <Modal.Root
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) setNotice(null);
      }}
    >
      <Modal.Trigger>
        <Button variant="secondary" fullWidth>
          Écrire aux bénévoles
        </Button>
      </Modal.Trigger>
      <Modal.Content style={{ maxWidth: '900px', width: '95vw' }}>
        <Modal.Header closeLabel="Fermer">
          <Modal.Title>Écrire aux bénévoles</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={4}>
            {notice && (
              <Alert
                variant="success"
                title="Message envoyé"
                closeLabel="Masquer"
                onClose={() => setNotice(null)}
                data-testid="message-notice"
              >
                {notice}
              </Alert>
            )}
            <Field.Root name="subject" required>
              <Field.Label>Objet</Field.Label>
              <TextInput value={subject} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setSubject(e.target.value)} />
            </Field.Root>
            <Field.Root name="body" required hint={`Variables : ${VARIABLES.map(([v, what]) => `${v} (${what})`).join(', ')}`}>
              <Field.Label>Texte</Field.Label>
              <Textarea
                value={body}
                onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setBody(e.target.value)}
                style={{ minHeight: '180px' }}
              />
              <Field.Hint />
            </Field.Root>
            <Checkbox checked={waitlisted} onCheckedChange={(v: boolean | 'indeterminate') => setWaitlisted(v === true)}>
              Écrire aussi aux personnes en liste d’attente
            </Checkbox>
            {preview && (
              <Box data-testid="message-preview">
                <Typography tag="p" fontWeight="bold">
                  {preview.recipientsCount} destinataire{preview.recipientsCount > 1 ? 's' : ''}
                  {preview.alreadyReceived
                    ? ` dont ${preview.alreadyReceived} l’ont déjà reçu (ils ne le recevront pas une seconde fois)`
                    : ''}
                </Typography>
                {preview.withoutEmail.length > 0 && (
                  <Typography tag="p" textColor="warning700">
                    Sans adresse e-mail, à prévenir autrement : {preview.withoutEmail.join(', ')}
                  </Typography>
                )}
                <Typography tag="p" variant="pi" textColor="neutral600">
                  Aperçu pour {preview.sampleName} — objet : « {preview.subject} »
                </Typography>
                <iframe
                  title="Aperçu du message"
                  srcDoc={preview.html}
                  sandbox=""
                  style={{ width: '100%', height: '360px', border: '1px solid #dcdce4', borderRadius: '4px', marginTop: '8px' }}
                />
              </Box>
            )}
            {error && (
              <Typography textColor="danger600" role="alert">
                {error}
              </Typography>
            )}
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">Fermer</Button>
          </Modal.Close>
          <Flex gap={2}>
            <Button variant="secondary" onClick={showPreview} loading={busy && !confirming} data-testid="message-preview-button">
              Aperçu
            </Button>
            {confirming ? (
              <Button onClick={send} loading={busy} data-testid="message-send-confirm">
                {`Confirmer l’envoi à ${toSend} personne${toSend > 1 ? 's' : ''}`}
              </Button>
            ) : (
              <Button onClick={() => setConfirming(true)} disabled={!preview || toSend === 0} data-testid="message-send">
                Envoyer
              </Button>
            )}
          </Flex>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
