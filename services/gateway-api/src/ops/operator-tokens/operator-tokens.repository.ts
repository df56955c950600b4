import type { OperatorTokenScope, OperatorTokenView } from '@ensemble/contracts';
import { guardedSql } from '@ensemble/shared';
import { sql, type Kysely } from 'kysely';
import type { GatewayTables, OperatorTokenRow } from '../../db/schema.js';

/** A live token as the guard needs it. */
export interface ActiveOperatorToken {
  id: string;
  name: string;
  scope: OperatorTokenScope;
}

export interface NewOperatorToken extends ActiveOperatorToken {
  hash: Buffer;
  createdBy: string;
}

const viewOf = (r: OperatorTokenRow): OperatorTokenView => ({
  id: r.id,
  name: r.name,
  scope: r.scope,
  createdAt: r.created_at.getTime(),
  createdBy: r.created_by,
  lastUsedAt: r.last_used_at?.getTime() ?? null,
  revokedAt: r.revoked_at?.getTime() ?? null,
});

/** `operator_tokens` (decision 122): digests only; a listed row never carries one. */
export class OperatorTokensRepository {
  constructor(private readonly db: Kysely<GatewayTables>) {}

  async insert(t: NewOperatorToken): Promise<OperatorTokenView> {
    const row = await guardedSql('operator token', () =>
      this.db
        .insertInto('operator_tokens')
        .values({ id: t.id, name: t.name, scope: t.scope, token_hash: t.hash, created_by: t.createdBy })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    return viewOf(row);
  }

  /** The token whose digest this is, unless revoked. */
  async activeByHash(hash: Buffer): Promise<ActiveOperatorToken | undefined> {
    return guardedSql('operator token', () =>
      this.db
        .selectFrom('operator_tokens')
        .select(['id', 'name', 'scope'])
        .where('token_hash', '=', hash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst(),
    );
  }

  async list(): Promise<OperatorTokenView[]> {
    const rows = await guardedSql('operator tokens', () =>
      this.db.selectFrom('operator_tokens').selectAll().orderBy('created_at').orderBy('id').execute(),
    );
    return rows.map(viewOf);
  }

  /** Revokes it (a revoked one keeps its first revocation time); undefined: no such token. */
  async revoke(id: string): Promise<OperatorTokenView | undefined> {
    const row = await guardedSql('operator token', () =>
      this.db
        .updateTable('operator_tokens')
        .set({ revoked_at: sql<Date>`COALESCE(revoked_at, now())` })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    );
    return row && viewOf(row);
  }

  /** Marks it used now, unless that was already written within the last minute (by any gateway). */
  async touch(id: string): Promise<void> {
    await guardedSql('operator token use', () =>
      this.db
        .updateTable('operator_tokens')
        .set({ last_used_at: sql<Date>`now()` })
        .where('id', '=', id)
        .where((eb) =>
          eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)]),
        )
        .execute(),
    );
  }
}
