#!/usr/bin/env node
import { redisImportMain } from '@ensemble/shared';
import { gatewayImport } from './migrate/import-command.js';

// One-shot, idempotent: copies the accounts, rooms, links and BBB API create calls an older
// gateway kept in Redis (REDIS_URL) into PostgreSQL (DATABASE_URL). Docs: services/gateway-api/README.md.
await redisImportMain(gatewayImport);
