import { DomainError, isDomainError } from '@ensemble/contracts';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Pool } from 'pg';
import type { Logger } from '../logger.js';

/** How long one statement may run, server side; the client gives up shortly after. */
export const STATEMENT_TIMEOUT_MS = 5000;
/** How long getting a connection may take: a PostgreSQL that is away answers at once (refused) or by then. */
export const CONNECT_TIMEOUT_MS = 2000;

/**
 * A service's PostgreSQL: one `pg` pool and the Kysely instance over it, per process.
 * Every query has deadlines (connection, statement, idle transaction), so a PostgreSQL
 * that is down or stuck costs a request seconds at most, never a hang; the pool
 * reconnects by itself when it is back.
 */
export class Database {
  private readonly kysely: Kysely<object>;

  constructor(
    readonly pool: Pool,
    logger: Logger,
  ) {
    this.kysely = new Kysely<object>({ dialect: new PostgresDialect({ pool }) });
    let down = false;
    const lost = (e: Error) => {
      if (!down) logger.warn('postgres error', { error: e.message });
      down = true;
    };
    // An idle connection PostgreSQL drops (restart, failover) surfaces here; unhandled, it would crash.
    pool.on('error', lost);
    pool.on('connect', (client) => {
      if (down) logger.info('postgres reconnected');
      down = false;
      // A connection the pool has lent out has no listener of the pool's: one that dies between
      // two statements (postmaster killed, failover) would crash the process. Its next query
      // fails instead (typed 503 through guardedSql), and the pool drops it on release.
      client.on('error', lost);
    });
  }

  static connect(url: string, logger: Logger, name: string): Database {
    return new Database(
      new Pool({
        connectionString: url,
        application_name: name,
        max: 10,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        statement_timeout: STATEMENT_TIMEOUT_MS,
        query_timeout: STATEMENT_TIMEOUT_MS + 1000,
        lock_timeout: STATEMENT_TIMEOUT_MS,
        idle_in_transaction_session_timeout: 10_000,
        idleTimeoutMillis: 30_000,
        keepAlive: true,
      }),
      logger,
    );
  }

  /** The Kysely instance typed by the owning service's schema (its tables, nobody else's). */
  typed<DB>(): Kysely<DB> {
    return this.kysely as unknown as Kysely<DB>;
  }

  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.kysely);
  }

  /** Waits for queries in flight, then closes every connection. */
  close(): Promise<void> {
    return this.kysely.destroy();
  }
}

/**
 * What a PostgreSQL failure means to a caller: a unique violation is a `conflict`, any
 * other constraint or data error `invalid-input` (both the caller's to fix), everything
 * else (refused, timed out, shut down) `unavailable` (503 + Retry-After at the HTTP edge).
 */
export function sqlError(e: unknown, what: string): DomainError {
  if (isDomainError(e)) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    if (code === '23505') return new DomainError('conflict', `${what}: already exists`);
    if (code.startsWith('23') || code.startsWith('22'))
      return new DomainError('invalid-input', `${what}: not a valid value`);
  }
  return new DomainError('unavailable', `database unavailable (${what})`);
}

/** Runs `fn`, turning any PostgreSQL failure into a typed DomainError (as `guarded` does for Redis). */
export async function guardedSql<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw sqlError(e, what);
  }
}
