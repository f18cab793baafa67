/**
 * Every failed request of the admin pages becomes one French sentence, the same way everywhere:
 * the server's own French message when it sent one (a 400 names the field), else a sentence for
 * the kind of failure (no right, session over, server unreachable, server error).
 */
export const MESSAGES = {
  network: 'Le serveur ne répond pas : vérifiez votre connexion à Internet, puis réessayez.',
  forbidden: 'Vous n’avez pas le droit de faire cette action avec votre rôle. Si vous en avez besoin, demandez-le à la présidence.',
  session: 'Votre session a expiré : reconnectez-vous, puis réessayez.',
  notFound: 'Introuvable : cette fiche a peut-être été supprimée entre-temps.',
  tooMany: 'Trop de demandes en peu de temps : patientez une minute, puis réessayez.',
  server: (status: number) =>
    `Le serveur a rencontré une erreur (${status}). Réessayez ; si cela continue, prévenez la personne qui gère le back-office.`,
  invalid: 'La demande n’a pas été acceptée par le serveur.',
};

/** A request that failed: its HTTP status (none when the server could not be reached) and the French message to show. */
export class RequestError extends Error {
  readonly status?: number;
  constructor(message: string, status?: number) {
    super(message);
    this.name = 'RequestError';
    this.status = status;
  }
}

/** Strapi's own English messages, which say nothing a bureau member can use. */
const STRAPI_DEFAULT =
  /^(forbidden|policy failed|unauthorized|not found|bad request|internal server error|server error|unknown server error)\.?$/i;

/** The French sentence for an HTTP status, preferring the server's own French message when it is one. */
export const messageForStatus = (status: number, serverMessage?: unknown) => {
  const own =
    typeof serverMessage === 'string' && serverMessage.trim() && !STRAPI_DEFAULT.test(serverMessage.trim()) ? serverMessage.trim() : null;
  if (status === 401) return MESSAGES.session;
  if (status === 403) return own ?? MESSAGES.forbidden;
  if (status === 404) return own ?? MESSAGES.notFound;
  if (status === 429) return own ?? MESSAGES.tooMany;
  if (status >= 500) return own ?? MESSAGES.server(status);
  return own ?? MESSAGES.invalid;
};

/** Whether the request was abandoned on purpose (the page was left): nothing to show then. */
export const isAborted = (e: unknown) => (e as { name?: string } | null)?.name === 'AbortError';

/**
 * The RequestError of what Strapi's fetch client threw: a FetchError carries the status and, for a
 * JSON answer, the server's message; anything else thrown by fetch() means the server was not reached.
 */
export const toRequestError = (e: unknown): RequestError => {
  if (e instanceof RequestError) return e;
  const err = e as { name?: string; status?: number; message?: string; response?: { data?: { error?: { message?: unknown } } } } | null;
  if (err?.name === 'FetchError' && typeof err.status === 'number') {
    return new RequestError(messageForStatus(err.status, err.response?.data?.error?.message ?? err.message), err.status);
  }
  return new RequestError(MESSAGES.network);
};
