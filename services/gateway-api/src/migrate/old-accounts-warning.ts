import type { Database, Logger } from '@ensemble/shared';
import type { Redis } from 'ioredis';
import type { GatewayTables } from '../db/schema.js';
import { RedisImport } from './redis-import.js';
import { IMPORT_COMMAND } from './redis-keys.js';

/**
 * At start: an empty `users` table next to a Redis that still holds accounts in the old
 * format means an upgrade whose import has not run. Says so once, naming the command; never
 * imports by itself (the operator decides when, and sees the report). Never stops the start.
 */
export async function warnIfAccountsLeftInRedis(
  redis: Redis | null,
  database: Database | null,
  logger: Logger,
): Promise<boolean> {
  if (!redis || !database) return false;
  try {
    const db = database.typed<GatewayTables>();
    if (await db.selectFrom('users').select('id').limit(1).executeTakeFirst()) return false;
    if (!(await new RedisImport(redis, db).hasOldAccounts())) return false;
  } catch {
    return false; // Redis or PostgreSQL away: readiness reports it; this check is only advice.
  }
  logger.warn('accounts and rooms are still in Redis, none in PostgreSQL: run the import once', {
    command: IMPORT_COMMAND,
  });
  return true;
}
