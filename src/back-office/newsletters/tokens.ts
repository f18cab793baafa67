import crypto from 'crypto';
import type { Strapi } from '../types';

/**
 * Signed links sent by e-mail (no login): the address and the purpose, signed with HMAC-SHA256
 * and the app keys. An unsubscribe link never expires (it must work in an old e-mail);
 * a subscription confirmation link expires after CONFIRM_DAYS.
 * Key rotation: a link is signed with the first key of APP_KEYS and accepted when signed with any of
 * them, so putting a new key in front (and keeping the old ones) leaves every link already sent working.
 */
export type TokenPurpose = 'unsubscribe' | 'confirm';
const CONFIRM_DAYS = 7;

const appKeys = (strapi: Strapi) => {
  const keys = strapi.config.get('server.app.keys') as string[] | undefined;
  if (!keys?.length) throw new Error('APP_KEYS manquant : impossible de signer les liens de désinscription.');
  return keys;
};

/**
 * The keys a signature is checked against: each key, and (links sent by earlier versions, signed
 * with all the keys joined by ':') the joined keys from each position, which still matches the old
 * list once a new key has been put in front of it.
 */
const verifyingKeys = (keys: string[]) => [...keys, ...keys.slice(0, -1).map((_, i) => keys.slice(i).join(':'))];

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const hmac = (key: string, payload: string) => crypto.createHmac('sha256', key).update(payload).digest('base64url');
const sign = (strapi: Strapi, payload: string) => hmac(appKeys(strapi)[0], payload);
const sameText = (a: string, b: string) => {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && crypto.timingSafeEqual(x, y);
};

export const signToken = (strapi: Strapi, purpose: TokenPurpose, email: string, now = Date.now()) => {
  const payload = purpose === 'confirm' ? `${purpose}|${email.toLowerCase()}|${now}` : `${purpose}|${email.toLowerCase()}`;
  return `${b64(payload)}.${sign(strapi, payload)}`;
};

/** The address of a valid token of this purpose, or null (forged, altered, expired). */
export const verifyToken = (strapi: Strapi, purpose: TokenPurpose, token: unknown): string | null => {
  if (typeof token !== 'string' || token.length > 1000) return null;
  const [encoded, signature] = token.split('.');
  if (!encoded || !signature) return null;
  const payload = Buffer.from(encoded, 'base64url').toString('utf8');
  if (!verifyingKeys(appKeys(strapi)).some((key) => sameText(hmac(key, payload), signature))) return null;
  const [p, email, issuedAt] = payload.split('|');
  if (p !== purpose || !email) return null;
  if (purpose === 'confirm' && !(Date.now() - Number(issuedAt) < CONFIRM_DAYS * 86_400_000)) return null;
  return email;
};

/** Absolute URL of a public path (PUBLIC_URL in production; the server's own address otherwise). */
export const publicUrl = (strapi: Strapi, path: string) => {
  const base = (strapi.config.get('server.url') as string) || `http://localhost:${strapi.config.get('server.port', 1337)}`;
  return `${base.replace(/\/$/, '')}${path}`;
};

export const unsubscribeUrl = (strapi: Strapi, email: string) =>
  publicUrl(strapi, `/api/subscribers/unsubscribe?token=${encodeURIComponent(signToken(strapi, 'unsubscribe', email))}`);
