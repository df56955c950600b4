#!/usr/bin/env node
import { redisImportMain } from '@ensemble/shared';
import { provisionerImport } from './migrate/import-command.js';

// One-shot, idempotent: copies the runs (with their events), autoscale decisions and state and
// provisioned nodes an older provisioner kept in Redis (REDIS_URL) into PostgreSQL
// (DATABASE_URL). Docs: services/provisioner/README.md.
await redisImportMain(provisionerImport);
