import crypto from 'crypto';
import type { Strapi } from '../types';

/**
 * Signed links sent by e-mail (no login): the address and the purpose, signed with HMAC-SHA256
 * and the app keys. An unsubscribe link never expires (it must work in an old e-mail);
 * a subscription confirmation link expires after CONFIRM_DAYS and carries the nonce stored on the
 * subscriber by the request it answers (single use: see subscriptions.ts).
 * Key rotation: a link is signed with the first key of APP_KEYS and accepted when signed with any of
 * them, so putting a new key in front (and keeping the old ones) leaves every link already sent working.
 */
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

const seal = (strapi: Strapi, payload: string) => `${b64(payload)}.${sign(strapi, payload)}`;

/** The fields of a token signed with one of the keys, or null (forged, altered). */
const readToken = (strapi: Strapi, token: unknown): string[] | null => {
  if (typeof token !== 'string' || token.length > 1000) return null;
  const [encoded, signature] = token.split('.');
  if (!encoded || !signature) return null;
  const payload = Buffer.from(encoded, 'base64url').toString('utf8');
  if (!verifyingKeys(appKeys(strapi)).some((key) => sameText(hmac(key, payload), signature))) return null;
  return payload.split('|');
};

export const signToken = (strapi: Strapi, purpose: 'unsubscribe', email: string) => seal(strapi, `${purpose}|${email.toLowerCase()}`);

export const signConfirmToken = (strapi: Strapi, email: string, nonce: string, now = Date.now()) =>
  seal(strapi, `confirm|${email.toLowerCase()}|${now}|${nonce}`);

/** The address of a valid unsubscribe token, or null (forged, altered). */
export const verifyToken = (strapi: Strapi, purpose: 'unsubscribe', token: unknown): string | null => {
  const [p, email] = readToken(strapi, token) ?? [];
  return p === purpose && email ? email : null;
};

/** The address and nonce of a valid confirmation token, or null (forged, altered, expired). */
export const verifyConfirmToken = (strapi: Strapi, token: unknown): { email: string; nonce: string } | null => {
  const fields = readToken(strapi, token) ?? [];
  if (fields[0] !== 'confirm' || fields.length < 4) return null;
  const [issuedAt, nonce] = fields.slice(-2);
  const email = fields.slice(1, -2).join('|');
  if (!email || !nonce) return null;
  if (!(Date.now() - Number(issuedAt) < CONFIRM_DAYS * 86_400_000)) return null;
  return { email, nonce };
};

/** A fresh random nonce for a confirmation link. */
export const newNonce = () => crypto.randomBytes(18).toString('base64url');

/** Absolute URL of a public path (PUBLIC_URL in production; the server's own address otherwise). */
export const publicUrl = (strapi: Strapi, path: string) => {
  const base = (strapi.config.get('server.url') as string) || `http://localhost:${strapi.config.get('server.port', 1337)}`;
  return `${base.replace(/\/$/, '')}${path}`;
};

export const unsubscribeUrl = (strapi: Strapi, email: string) =>
  publicUrl(strapi, `/api/subscribers/unsubscribe?token=${encodeURIComponent(signToken(strapi, 'unsubscribe', email))}`);
