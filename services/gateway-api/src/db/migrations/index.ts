import type { Migrations } from '@ensemble/shared';
import * as usersAndRooms from './001-users-and-rooms.js';
import * as createParamsAndAudit from './002-create-params-and-audit.js';
import * as recordings from './003-recordings.js';
import * as tenants from './004-tenants.js';
import * as recordingsPageIndex from './005-recordings-page-index.js';
import * as tenantRecordingsProtected from './006-tenant-recordings-protected.js';
import * as operatorTokens from './007-operator-tokens.js';
import * as roomSharingAndAccessCodes from './008-room-sharing-and-access-codes.js';
import * as tenantIdentity from './009-tenant-identity.js';
import * as rolesAndSiteSettings from './010-roles-and-site-settings.js';
import * as roomRecordingVisibility from './011-room-recording-visibility.js';

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
  '006-tenant-recordings-protected': tenantRecordingsProtected,
  '007-operator-tokens': operatorTokens,
  '008-room-sharing-and-access-codes': roomSharingAndAccessCodes,
  '009-tenant-identity': tenantIdentity,
  '010-roles-and-site-settings': rolesAndSiteSettings,
  '011-room-recording-visibility': roomRecordingVisibility,
};
