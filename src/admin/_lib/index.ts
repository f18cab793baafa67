/**
 * What every admin page uses to reach the server and to check a right: one data-access style
 * (fetch.ts), one way to word a failure in French (errors.ts), one permission check (permissions.ts).
 * The labels, formats and action ids themselves come from src/contract, the contract with the server.
 */
export { useGet, usePost, useDownload, downloadFile, type Loaded, type Params, type Sent } from './fetch';
export { MESSAGES, RequestError } from './errors';
export { permissionsFor, useCan } from './permissions';
export { contentPermission, useCanContent, type ContentAction } from './content-rights';
