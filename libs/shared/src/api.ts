/**
 * Browser-safe entry (`@ensemble/shared/api`): the web app's request and reply
 * schemas and the error vocabulary, with no Node-only imports.
 */
export * from './errors.js';
export * from './contracts/common.schema.js';
export * from './api/account.schema.js';
export * from './api/room.schema.js';
