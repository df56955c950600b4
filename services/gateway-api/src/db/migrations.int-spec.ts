import { describeMigrations, earlierVersion } from '@ensemble/testing';
import { gatewayMigrations } from './migrations/index.js';
import { gatewayVersion001 } from './version-001.test-support.js';
import { gatewayVersion002 } from './version-002.test-support.js';
import { gatewayVersion003 } from './version-003.test-support.js';

describeMigrations(
  'gateway',
  'gateway-api',
  gatewayMigrations,
  [
    'audit_events',
    'bbb_create_params',
    'gateway_api_migration',
    'gateway_api_migration_lock',
    'recording_counts',
    'recording_formats',
    'recordings',
    'rooms',
    'tenant_secrets',
    'tenants',
    'users',
  ],
  {
    earlierVersions: [
      earlierVersion('001-users-and-rooms', gatewayVersion001),
      earlierVersion('002-create-params-and-audit', gatewayVersion002),
      earlierVersion('003-recordings', gatewayVersion003),
    ],
  },
);
