import type { Database, Logger } from '@ensemble/shared';
import type { Redis } from 'ioredis';
import type { GatewayTables } from '../db/schema.js';
import { RedisImport } from './redis-import.js';
import { IMPORT_COMMAND, oldKeys } from './redis-keys.js';

/**
 * At start: an empty table next to a Redis that still holds its records in the old format
 * (accounts before decision 090, BBB API create calls before 092) means an upgrade whose
 * import has not run. Says so once per kind, naming the command; never imports by itself
 * (the operator decides when, and sees the report). Never stops the start. True when it warned.
 */
export async function warnIfAccountsLeftInRedis(
  redis: Redis | null,
  database: Database | null,
  logger: Logger,
): Promise<boolean> {
  if (!redis || !database) return false;
  const db = database.typed<GatewayTables>();
  const old = new RedisImport(redis, db);
  const left = async (empty: () => Promise<boolean>, pattern: string) => {
    try {
      return (await empty()) && (await old.hasOld(pattern));
    } catch {
      return false; // Redis or PostgreSQL away: readiness reports it; this check is only advice.
    }
  };
  const [accounts, createCalls] = await Promise.all([
    left(async () => !(await db.selectFrom('users').select('id').limit(1).executeTakeFirst()), oldKeys.users),
    left(
      async () => !(await db.selectFrom('bbb_create_params').select('meeting_id').limit(1).executeTakeFirst()),
      oldKeys.createParams,
    ),
  ]);
  if (accounts) {
    logger.warn('accounts and rooms are still in Redis, none in PostgreSQL: run the import once', {
      command: IMPORT_COMMAND,
    });
  }
  if (createCalls) {
    logger.warn('BBB API create calls are still in Redis, none in PostgreSQL: run the import once', {
      command: IMPORT_COMMAND,
      why: 'until then, running BBB API meetings cannot be re-created after a node failure',
    });
  }
  return accounts || createCalls;
}
