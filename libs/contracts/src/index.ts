/**
 * `@ensemble/contracts`: what every service and the browser may import. Subjects,
 * zod schemas and the types inferred from them, the error vocabulary, the ops
 * cluster view and BBB's XML primitives. No Node built-ins, no I/O: its typecheck
 * runs without Node's types (tsconfig.json), so a Node-only import cannot land here.
 */
export * from './errors.js';
export * from './subjects.js';
export * from './contracts.js';
export * from './contracts/common.schema.js';
export * from './contracts/load-sample.schema.js';
export * from './contracts/fleet.schema.js';
export * from './contracts/node-holdings.schema.js';
export * from './contracts/placement.schema.js';
export * from './contracts/tenant-usage.schema.js';
export * from './contracts/provision.schema.js';
export * from './contracts/reply.schema.js';
export * from './contracts/tenants-changed.schema.js';
export * from './contracts/operator-token-revoked.schema.js';
export * from './api/account.schema.js';
export * from './api/identity.schema.js';
export * from './api/roles.schema.js';
export * from './api/room.schema.js';
export * from './api/room-recording.schema.js';
export * from './api/audit.schema.js';
export * from './api/tenant.schema.js';
export * from './api/operator-token.schema.js';
export * from './api/cluster-view.js';
export * from './bbb/bbb-xml.js';
export * from './callbacks/outbound-callback.schema.js';
export * from './callbacks/callback-status.schema.js';
export * from './api/format-bytes.js';
