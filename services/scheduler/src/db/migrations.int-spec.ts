import { describeMigrations } from '@ensemble/testing';
import { schedulerMigrations } from './migrations/index.js';

describeMigrations('scheduler', 'scheduler', schedulerMigrations, [
  'nodes',
  'scheduler_migration',
  'scheduler_migration_lock',
]);
