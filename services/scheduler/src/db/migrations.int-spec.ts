import { describeMigrations, earlierVersion } from '@ensemble/testing';
import { schedulerMigrations } from './migrations/index.js';
import { schedulerVersion001 } from './version-001.test-support.js';
import { schedulerVersion002 } from './version-002.test-support.js';

describeMigrations(
  'scheduler',
  'scheduler',
  schedulerMigrations,
  ['nodes', 'retired_upload_tokens', 'scheduler_migration', 'scheduler_migration_lock'],
  {
    earlierVersions: [
      earlierVersion('001-nodes', schedulerVersion001),
      earlierVersion('002-recording-tokens', schedulerVersion002),
    ],
  },
);
