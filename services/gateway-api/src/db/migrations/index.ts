import type { Migrations } from '@ensemble/shared';
import * as usersAndRooms from './001-users-and-rooms.js';
import * as createParamsAndAudit from './002-create-params-and-audit.js';
import * as recordings from './003-recordings.js';
import * as tenants from './004-tenants.js';
import * as recordingsPageIndex from './005-recordings-page-index.js';
import * as tenantIdentity from './007-tenant-identity.js';

/**
 * The gateway's migrations in the order they apply (an explicit list: the bundle needs no
 * directory scan). Append a new file here; never edit or remove one that has shipped.
 */
export const gatewayMigrations: Migrations = {
  '001-users-and-rooms': usersAndRooms,
  '002-create-params-and-audit': createParamsAndAudit,
  '003-recordings': recordings,
  '004-tenants': tenants,
  '005-recordings-page-index': recordingsPageIndex,
  '007-tenant-identity': tenantIdentity,
};
