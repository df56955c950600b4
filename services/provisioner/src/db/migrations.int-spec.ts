import { describeMigrations } from '@ensemble/testing';
import { provisionerMigrations } from './migrations/index.js';

describeMigrations('provisioner', 'provisioner', provisionerMigrations, [
  'autoscale_decisions',
  'autoscale_state',
  'provisioned_nodes',
  'provisioner_migration',
  'provisioner_migration_lock',
  'provisioning_run_events',
  'provisioning_runs',
]);
