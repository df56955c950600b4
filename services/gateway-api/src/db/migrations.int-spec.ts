import { describeMigrations } from '@ensemble/testing';
import { gatewayMigrations } from './migrations/index.js';

describeMigrations('gateway', 'gateway-api', gatewayMigrations, [
  'gateway_api_migration',
  'gateway_api_migration_lock',
  'rooms',
  'users',
]);
