import { errors } from '@strapi/utils';
import createError from 'http-errors';
import { labelOf } from '../contract/labels';

/**
 * The one way to refuse a request or a write: a French message naming the field, the same JSON shape
 * on every API (`{ data: null, error: { status, name, message, details } }`, Strapi's errors
 * middleware writes it), and nothing written. Throw what these return:
 *
 *   throw badRequest('Année : « 20x6 » n’est pas une année valide.', 'year');   // 400
 *   throw fieldError(MEMBER, 'email', 'la valeur « a@b.fr » est déjà utilisée.'); // 400, field label from the shared labels
 *   throw forbidden('Accès refusé : …');                                          // 403
 *   throw notFound('Mission introuvable.');                                       // 404
 *   throw conflict('Ce reçu a déjà été émis.', 'status');                         // 409
 *
 * With a field, `details.errors` is `[{ path, message, name }]`: the admin's content manager shows the
 * message on that field, and a client can tell which parameter was refused.
 */

/** A field of a content type or a parameter of a request; a path for a nested one (['filters', '$foo']). */
export type ErrorField = string | string[];

export interface ErrorDetails {
  errors?: Array<{ path: string[]; message: string; name: string }>;
}

const detailsOf = (name: string, message: string, field?: ErrorField): ErrorDetails =>
  field === undefined ? {} : { errors: [{ path: Array.isArray(field) ? field : [field], message, name }] };

/** HTTP 400: a value or a parameter that cannot be accepted. */
export const badRequest = (message: string, field?: ErrorField) =>
  new errors.ValidationError(message, detailsOf('ValidationError', message, field));

/** HTTP 400 on a field of a content type, the message led by the field's French label (« E-mail : … »). */
export const fieldError = (uid: string, field: string, message: string) => badRequest(`${labelOf(uid, field)} : ${message}`, field);

/**
 * HTTP 403. A PolicyError (a ForbiddenError): Strapi's router and its authorization step replace the
 * message of any other 403 thrown by a handler with a bare « Forbidden ».
 */
export const forbidden = (message: string, field?: ErrorField) => new errors.PolicyError(message, detailsOf('PolicyError', message, field));

/** HTTP 404. */
export const notFound = (message: string) => new errors.NotFoundError(message, {});

/**
 * HTTP 409: the request contradicts the current state (already done, changed meanwhile). Strapi has no
 * conflict error of its own; its errors middleware writes any http-errors error with its status in the
 * same shape as the others.
 */
export const conflict = (message: string, field?: ErrorField) =>
  Object.assign(createError(409, message), { name: 'ConflictError', details: detailsOf('ConflictError', message, field) });

/** HTTP 413: a file or a body over the size limit. */
export const tooLarge = (message: string, field?: ErrorField) =>
  new errors.PayloadTooLargeError(message, detailsOf('PayloadTooLargeError', message, field));

/** HTTP 429 (public forms and endpoints limited per address). */
export const tooManyRequests = (message: string) => new errors.RateLimitError(message, {});

/** The message of anything thrown (an Error's message, else its text), for logs and French reports. */
export const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
