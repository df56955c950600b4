import { describeMigrations } from '@ensemble/testing';
import { gatewayMigrations } from './migrations/index.js';
import { gatewayVersion001 } from './version-001.test-support.js';

describeMigrations(
  'gateway',
  'gateway-api',
  gatewayMigrations,
  ['audit_events', 'bbb_create_params', 'gateway_api_migration', 'gateway_api_migration_lock', 'rooms', 'users'],
  { previousVersion: gatewayVersion001 },
);
