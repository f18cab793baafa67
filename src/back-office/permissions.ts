// The RBAC action ids are part of the contract shared with the admin panel.
export * from '../shared/permissions';
