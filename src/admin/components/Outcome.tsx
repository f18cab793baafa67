import { Alert } from '@strapi/design-system';

/** What a page's last action did: « C’est fait » or the French error, closable. */
export interface OutcomeMessage {
  variant: 'success' | 'danger';
  text: string;
}

export const Outcome = ({ message, onClose }: { message: OutcomeMessage | null; onClose: () => void }) =>
  message ? (
    <Alert variant={message.variant} title={message.variant === 'success' ? 'C’est fait' : 'Erreur'} onClose={onClose} closeLabel="Fermer">
      {message.text}
    </Alert>
  ) : null;
