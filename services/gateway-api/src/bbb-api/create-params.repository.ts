import { guardedSql } from '@ensemble/shared';
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { CreateParamsRow, GatewayTables } from '../db/schema.js';

/** A create call as it was sent to a node (signed query without checksum, pre-upload body). */
export interface StoredCreate {
  query: string;
  body?: string;
  contentType?: string;
  nodeId: string;
  /** When it was (last) created on a node, ms. */
  at: number;
}

const createOf = (r: Pick<CreateParamsRow, 'query' | 'body' | 'content_type' | 'node_id' | 'created_at'>) => ({
  query: r.query,
  ...(r.body !== null ? { body: r.body } : {}),
  ...(r.content_type !== null ? { contentType: r.content_type } : {}),
  nodeId: r.node_id,
  at: r.created_at.getTime(),
});

const COLUMNS = ['query', 'body', 'content_type', 'node_id', 'created_at'] as const;
/** Rows deleted per purge statement: a short lock, whatever the backlog. */
export const PURGE_BATCH = 500;

/**
 * The create calls of BBB API meetings in PostgreSQL (`bbb_create_params`), read to
 * re-create a meeting on another node after its node fails. Each operation is one
 * statement on one row found by its primary key (the purge: a bounded batch found by the
 * expiry index). A row past `expires_at` is as good as gone: no read returns it.
 */
export class CreateParamsRepository {
  constructor(private readonly db: Kysely<GatewayTables>) {}

  /** Stores (or replaces) the meeting's create call, kept `ttlS` from now. */
  async save(meetingID: string, create: StoredCreate, ttlS: number): Promise<void> {
    const row = {
      node_id: create.nodeId,
      query: create.query,
      body: create.body ?? null,
      content_type: create.contentType ?? null,
      created_at: new Date(create.at),
      expires_at: expiry(ttlS),
    };
    await guardedSql('create params', () =>
      this.db
        .insertInto('bbb_create_params')
        .values({ meeting_id: meetingID, ...row })
        .onConflict((oc) => oc.column('meeting_id').doUpdateSet(row))
        .execute(),
    );
  }

  async get(meetingID: string): Promise<StoredCreate | undefined> {
    const row = await guardedSql('create params', () =>
      this.db.selectFrom('bbb_create_params').select(COLUMNS).where(live(meetingID)).executeTakeFirst(),
    );
    return row ? createOf(row) : undefined;
  }

  /** Reads the create call and keeps it another `ttlS` (one UPDATE ... RETURNING): a meeting joined is in use. */
  async refresh(meetingID: string, ttlS: number): Promise<StoredCreate | undefined> {
    const row = await guardedSql('create params', () =>
      this.db
        .updateTable('bbb_create_params')
        .set({ expires_at: expiry(ttlS) })
        .where(live(meetingID))
        .returning(COLUMNS)
        .executeTakeFirst(),
    );
    return row ? createOf(row) : undefined;
  }

  /** `refresh` without reading: true when the meeting had a live create call. */
  async touch(meetingID: string, ttlS: number): Promise<boolean> {
    const r = await guardedSql('create params', () =>
      this.db
        .updateTable('bbb_create_params')
        .set({ expires_at: expiry(ttlS) })
        .where(live(meetingID))
        .executeTakeFirst(),
    );
    return r.numUpdatedRows > 0n;
  }

  async delete(meetingID: string): Promise<void> {
    await guardedSql('create params', () =>
      this.db.deleteFrom('bbb_create_params').where('meeting_id', '=', meetingID).execute(),
    );
  }

  /**
   * Deletes up to `batch` expired rows, oldest first; the number deleted. Rows another
   * instance is purging at the same moment are skipped, not waited for.
   */
  async purgeExpired(batch = PURGE_BATCH): Promise<number> {
    const r = await guardedSql('create params purge', () =>
      this.db
        .deleteFrom('bbb_create_params')
        .where('meeting_id', 'in', (qb) =>
          qb
            .selectFrom('bbb_create_params')
            .select('meeting_id')
            .where('expires_at', '<=', sql<Date>`now()`)
            .orderBy('expires_at')
            .limit(batch)
            .forUpdate()
            .skipLocked(),
        )
        .executeTakeFirst(),
    );
    return Number(r.numDeletedRows);
  }
}

/** The meeting's row while it has not expired (found by its primary key). */
const live = (meetingID: string) => (eb: ExpressionBuilder<GatewayTables, 'bbb_create_params'>) =>
  eb.and([eb('meeting_id', '=', meetingID), eb('expires_at', '>', sql<Date>`now()`)]);

/** On PostgreSQL's clock, as every expiry comparison: gateways' clocks may differ. */
const expiry = (ttlS: number) => sql<Date>`now() + make_interval(secs => ${ttlS})`;
