/**
 * Browser-safe entry (`@ensemble/shared/api`): the web app's request and reply
 * schemas and the error vocabulary, with no Node-only imports.
 */
export * from './errors.js';
export * from './contracts/common.schema.js';
export * from './api/account.schema.js';
export * from './api/room.schema.js';
// The ops dashboard: node views, load samples, health/fleet events, provisioning runs (zod + common only).
export * from './contracts/load-sample.schema.js';
export * from './contracts/fleet.schema.js';
export * from './contracts/provision.schema.js';
export * from './api/cluster-view.js';
