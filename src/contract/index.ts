/**
 * The contract shared by the server and the admin panel: RBAC action ids, French labels of fields
 * and enumeration values, dues statuses, number/date/euro formatting and the display-name rule.
 * Pure TypeScript: nothing here imports the server, the admin panel or a library.
 */
export * from './permissions';
export * from './labels';
export * from './dues';
export * from './format';
export * from './display-names';
