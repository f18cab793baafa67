/**
 * The one way to refuse a request or a write: a French message naming the field, the same JSON shape
 * on every API (`{ error: { status, name, message, details } }`), and nothing written.
 */
export { fieldError } from '../back-office/rules/validation';
