import crypto from 'crypto';
import type { Strapi } from '../types';
import { readEnv } from '../../core/config';
import type { HaOrder } from './orders';

/**
 * The HelloAsso API (v5) client: OAuth2 client credentials, tokens kept encrypted in the database
 * (AES-256-GCM, key derived from the application's secrets) and refreshed before they expire, GET
 * requests retried with a growing delay on 429 and 5xx, pages followed by their continuation token.
 * Tokens and credentials are never logged nor put in an error message.
 */

export interface HelloAssoSettings {
  clientId: string | null;
  clientSecret: string | null;
  organizationSlug: string | null;
  apiUrl: string;
  oauthUrl: string;
  retryDelayMs: number;
}

export const helloAssoSettings = (): HelloAssoSettings => ({
  clientId: readEnv('HELLOASSO_CLIENT_ID'),
  clientSecret: readEnv('HELLOASSO_CLIENT_SECRET'),
  organizationSlug: readEnv('HELLOASSO_ORGANIZATION_SLUG'),
  apiUrl: readEnv('HELLOASSO_API_URL').replace(/\/+$/, ''),
  oauthUrl: readEnv('HELLOASSO_OAUTH_URL'),
  retryDelayMs: readEnv('HELLOASSO_RETRY_DELAY_MS'),
});

export const isConfigured = (s: HelloAssoSettings = helloAssoSettings()) => Boolean(s.clientId && s.clientSecret && s.organizationSlug);

/** A failure of HelloAsso or of the connection to it; the message is French and carries no secret. */
export class HelloAssoError extends Error {
  constructor(
    message: string,
    public readonly status?: number
  ) {
    super(message);
    this.name = 'HelloAssoError';
  }
}

// ---------------------------------------------------------------- tokens, encrypted at rest

const STORE = { type: 'plugin', name: 'back-office-helloasso' } as const;
const TOKENS_KEY = 'tokens';

/** The encryption key: derived from the application's keys (a change of keys only costs a new token). */
const secretKey = () => Buffer.from(crypto.hkdfSync('sha256', readEnv('APP_KEYS').join(','), 'asso-back-office', 'helloasso-tokens', 32));

export const encrypt = (plain: string) => {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', secretKey(), iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':');
};

export const decrypt = (sealed: string): string | null => {
  try {
    const [version, iv, tag, data] = sealed.split(':');
    if (version !== 'v1') return null;
    const decipher = crypto.createDecipheriv('aes-256-gcm', secretKey(), Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
};

interface Tokens {
  /** which credentials they belong to (a hash: a new client id starts over) */
  client: string;
  accessToken: string;
  refreshToken: string | null;
  /** epoch ms */
  expiresAt: number;
}

const clientHash = (s: HelloAssoSettings) => crypto.createHash('sha256').update(`${s.oauthUrl}|${s.clientId}`).digest('hex').slice(0, 16);

const readTokens = async (strapi: Strapi, s: HelloAssoSettings): Promise<Tokens | null> => {
  const sealed = (await strapi.store(STORE).get({ key: TOKENS_KEY })) as string | null;
  const plain = typeof sealed === 'string' ? decrypt(sealed) : null;
  if (!plain) return null;
  const tokens = JSON.parse(plain) as Tokens;
  return tokens.client === clientHash(s) ? tokens : null;
};

const saveTokens = (strapi: Strapi, tokens: Tokens | null) =>
  strapi.store(STORE).set({ key: TOKENS_KEY, value: tokens ? encrypt(JSON.stringify(tokens)) : null });

/** The sealed value as stored (tests check that no token is readable in the database). */
export const storedTokens = (strapi: Strapi) => strapi.store(STORE).get({ key: TOKENS_KEY });

// ---------------------------------------------------------------- requests

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const RETRIES = 3;
/** a token is renewed this long before HelloAsso says it expires */
const EXPIRY_MARGIN_MS = 60_000;

const unreachable = (status?: number) =>
  new HelloAssoError(
    status
      ? `HelloAsso ne répond pas correctement (erreur ${status}${status === 429 ? ' : trop de demandes' : ''}) après plusieurs essais : réessayez plus tard.`
      : 'HelloAsso est injoignable (connexion impossible) : réessayez plus tard.',
    status
  );

export interface Page<T> {
  data: T[];
  pagination?: { pageSize?: number; totalCount?: number; pageIndex?: number; totalPages?: number; continuationToken?: string };
}

export interface HaForm {
  formSlug: string;
  formType: string;
  title?: string;
  state?: string;
}

/** A payment of the payments list: its order, and the items it pays (with the share of each). */
export interface HaRefundedPayment {
  id: number | string;
  state?: string;
  amount?: number;
  date?: string;
  order?: { id: number | string };
  items?: Array<{ id: number | string; shareAmount?: number }>;
  refundOperations?: unknown[];
}

export class HelloAssoClient {
  private tokens: Tokens | null = null;

  constructor(
    private readonly strapi: Strapi,
    readonly settings: HelloAssoSettings = helloAssoSettings()
  ) {}

  /** fetch with retries on 429, 5xx and network failures (a growing delay) */
  private async send(url: string, init: RequestInit): Promise<Response> {
    let lastStatus: number | undefined;
    for (let attempt = 0; attempt <= RETRIES; attempt++) {
      if (attempt) await sleep(this.settings.retryDelayMs * 2 ** (attempt - 1));
      let res: Response;
      try {
        res = await fetch(url, { ...init, signal: AbortSignal.timeout(20_000) });
      } catch {
        lastStatus = undefined;
        continue;
      }
      if (res.status === 429 || res.status >= 500) {
        lastStatus = res.status;
        await res.body?.cancel();
        continue;
      }
      return res;
    }
    throw unreachable(lastStatus);
  }

  private async tokenRequest(form: Record<string, string>): Promise<Tokens | null> {
    const res = await this.send(this.settings.oauthUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
    });
    if (!res.ok) {
      await res.body?.cancel();
      return null;
    }
    const body = (await res.json()) as { access_token?: string; refresh_token?: string; expires_in?: number };
    if (!body.access_token) return null;
    return {
      client: clientHash(this.settings),
      accessToken: body.access_token,
      refreshToken: body.refresh_token ?? null,
      expiresAt: Date.now() + Number(body.expires_in ?? 1800) * 1000,
    };
  }

  /** A valid access token: the stored one, else refreshed (refresh tokens rotate: the new one is kept), else a new one. */
  async accessToken(force = false): Promise<string> {
    const s = this.settings;
    if (!isConfigured(s))
      throw new HelloAssoError(
        'HelloAsso n’est pas configuré : renseignez HELLOASSO_CLIENT_ID, HELLOASSO_CLIENT_SECRET et HELLOASSO_ORGANIZATION_SLUG.'
      );
    if (!this.tokens) this.tokens = await readTokens(this.strapi, s);
    if (!force && this.tokens && this.tokens.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return this.tokens.accessToken;
    let next: Tokens | null = null;
    if (this.tokens?.refreshToken) {
      next = await this.tokenRequest({ grant_type: 'refresh_token', client_id: s.clientId!, refresh_token: this.tokens.refreshToken });
    }
    next ??= await this.tokenRequest({ grant_type: 'client_credentials', client_id: s.clientId!, client_secret: s.clientSecret! });
    if (!next) {
      this.tokens = null;
      await saveTokens(this.strapi, null);
      throw new HelloAssoError(
        'HelloAsso refuse les identifiants : vérifiez HELLOASSO_CLIENT_ID et HELLOASSO_CLIENT_SECRET (espace HelloAsso > Mon compte > Intégrations et API).',
        401
      );
    }
    this.tokens = next;
    await saveTokens(this.strapi, next);
    return next.accessToken;
  }

  /** GET a path of the API (relative to HELLOASSO_API_URL); null on 404. */
  async get<T>(path: string, query: Array<[string, string | number | boolean | null | undefined]> = []): Promise<T | null> {
    const params = new URLSearchParams();
    for (const [k, v] of query) if (v !== null && v !== undefined && v !== '') params.append(k, String(v));
    const url = `${this.settings.apiUrl}${path}${params.size ? `?${params}` : ''}`;
    for (let renewed = false; ; renewed = true) {
      const token = await this.accessToken(renewed);
      const res = await this.send(url, { headers: { Accept: 'application/json', Authorization: `Bearer ${token}` } });
      if (res.status === 401 && !renewed) {
        await res.body?.cancel();
        continue; // expired in the meantime: one new token, one more try
      }
      if (res.status === 404) {
        await res.body?.cancel();
        return null;
      }
      if (res.status === 401 || res.status === 403) {
        await res.body?.cancel();
        throw new HelloAssoError(
          `HelloAsso refuse l’accès (erreur ${res.status}) : vérifiez que le compte API a accès à l’association « ${this.settings.organizationSlug} ».`,
          res.status
        );
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new HelloAssoError(`HelloAsso a refusé la demande (erreur ${res.status}).`, res.status);
      }
      return (await res.json()) as T;
    }
  }

  private get org() {
    return `/organizations/${encodeURIComponent(this.settings.organizationSlug ?? '')}`;
  }

  /** Every page of a list, followed by its continuation token (HelloAsso gives one even with the last page). */
  private async *pages<T>(path: string, query: Array<[string, string | number | boolean | null | undefined]>): AsyncGenerator<T[]> {
    let continuationToken: string | undefined;
    for (;;) {
      const page = await this.get<Page<T>>(path, [...query, ['continuationToken', continuationToken]]);
      const data = page?.data ?? [];
      if (!data.length) return;
      yield data;
      continuationToken = page?.pagination?.continuationToken;
      if (!continuationToken) return;
    }
  }

  /** The organisation's orders paid between `from` (included) and `to` (excluded), oldest first, page by page. */
  orderPages(from: Date, to: Date, pageSize = 100): AsyncGenerator<HaOrder[]> {
    return this.pages<HaOrder>(`${this.org}/orders`, [
      ['from', from.toISOString()],
      ['to', to.toISOString()],
      ['pageSize', pageSize],
      ['formTypes', 'Membership'],
      ['formTypes', 'Donation'],
      ['formTypes', 'Event'],
      ['withDetails', true],
      ['sortOrder', 'Asc'],
    ]);
  }

  /** The orders of one form between `from` (included) and `to` (excluded), oldest first, page by page. */
  formOrderPages(formType: string, formSlug: string, from: Date, to: Date, pageSize = 100): AsyncGenerator<HaOrder[]> {
    return this.pages<HaOrder>(`${this.org}/forms/${encodeURIComponent(formType)}/${encodeURIComponent(formSlug)}/orders`, [
      ['from', from.toISOString()],
      ['to', to.toISOString()],
      ['pageSize', pageSize],
      ['withDetails', true],
      ['sortOrder', 'Asc'],
    ]);
  }

  /** The organisation's payments refunded or being refunded, made since `from`, page by page. */
  refundedPaymentPages(from: Date, pageSize = 100): AsyncGenerator<HaRefundedPayment[]> {
    return this.pages<HaRefundedPayment>(`${this.org}/payments`, [
      ['states', 'Refunded'],
      ['states', 'Refunding'],
      ['from', from.toISOString()],
      ['pageSize', pageSize],
    ]);
  }

  /** One order with its items and payments; null when HelloAsso does not know it. */
  order(id: string | number) {
    return this.get<HaOrder>(`/orders/${encodeURIComponent(String(id))}`, [['withDetails', true]]);
  }

  /** One payment (its order is `order.id`). */
  payment(id: string | number) {
    return this.get<{ id: number; order?: { id: number } }>(`/payments/${encodeURIComponent(String(id))}`);
  }

  /** Every form of the organisation. */
  async forms(): Promise<HaForm[]> {
    const forms: HaForm[] = [];
    let continuationToken: string | undefined;
    for (;;) {
      const page = await this.get<Page<HaForm>>(`${this.org}/forms`, [
        ['pageSize', 100],
        ['continuationToken', continuationToken],
      ]);
      const data = page?.data ?? [];
      if (!data.length) return forms;
      forms.push(...data);
      continuationToken = page?.pagination?.continuationToken;
      if (!continuationToken) return forms;
    }
  }
}
