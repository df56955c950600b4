#!/usr/bin/env node
import { ConfigError } from '@ensemble/shared';
import { importFromRedis } from './migrate/import-command.js';

// One-shot, idempotent: copies the accounts, rooms, links and BBB API create calls an older
// gateway kept in Redis (REDIS_URL) into PostgreSQL (DATABASE_URL). Docs: services/gateway-api/README.md.
try {
  await importFromRedis(process.env, (line) => process.stdout.write(`${line}\n`));
} catch (e) {
  // A ConfigError's message already names the command and the variable.
  const message = e instanceof ConfigError ? e.message : `migrate-from-redis: ${(e as Error).message}`;
  process.stderr.write(`${message}\n`);
  process.exitCode = e instanceof ConfigError ? 78 : 1;
}
