import {
  auditEventSchema,
  type AuditAction,
  type AuditActorKind,
  type AuditEvent,
  type AuditPage,
  type AuditQuery,
  type ErrorCode,
} from '@ensemble/contracts';
import { guardedSql } from '@ensemble/shared';
import { sql, type Kysely } from 'kysely';
import type { AuditEventRow, GatewayTables } from '../db/schema.js';

export interface NewAuditEvent {
  actor: string;
  actorKind: AuditActorKind;
  action: AuditAction;
  target: string | null;
  clientAddress: string | null;
  details: Record<string, unknown>;
}

export type AuditResult =
  /** `target`: one known only from the answer (a registration without an id); a target given first stays. */
  | { outcome: 'ok'; details?: Record<string, unknown>; target?: string }
  | { outcome: 'refused' | 'failed'; errorCode: ErrorCode };

const eventOf = (r: AuditEventRow): AuditEvent =>
  auditEventSchema.parse({
    id: r.id,
    at: r.at.getTime(),
    actor: r.actor,
    actorKind: r.actor_kind,
    action: r.action,
    target: r.target,
    clientAddress: r.client_address,
    outcome: r.outcome,
    errorCode: r.error_code,
    details: r.details,
  });

/**
 * The operators' audit log in PostgreSQL (`audit_events`), append only: a row is written
 * before the action (`pending`) and its outcome after, each one statement. Pages are read
 * newest first by id (keyset: `before` the last id seen), each filter on an index of its own.
 */
export class AuditRepository {
  constructor(private readonly db: Kysely<GatewayTables>) {}

  /** The new event's id. */
  async append(e: NewAuditEvent): Promise<string> {
    const row = await guardedSql('audit event', () =>
      this.db
        .insertInto('audit_events')
        .values({
          actor: e.actor,
          actor_kind: e.actorKind,
          action: e.action,
          target: e.target,
          client_address: e.clientAddress,
          outcome: 'pending',
          details: JSON.stringify(e.details),
        })
        .returning('id')
        .executeTakeFirstOrThrow(),
    );
    return row.id;
  }

  /** Records how the action ended (once: an outcome already written is kept); `details` are merged in. */
  async outcome(id: string, r: AuditResult): Promise<void> {
    await guardedSql('audit outcome', () =>
      this.db
        .updateTable('audit_events')
        .set({
          outcome: r.outcome,
          error_code: r.outcome === 'ok' ? null : r.errorCode,
          details: sql<string>`details || ${JSON.stringify(r.outcome === 'ok' ? (r.details ?? {}) : {})}::jsonb`,
          target: sql<string>`COALESCE(target, ${r.outcome === 'ok' ? (r.target ?? null) : null})`,
        })
        .where('id', '=', id)
        .where('outcome', '=', 'pending')
        .execute(),
    );
  }

  async page(q: AuditQuery): Promise<AuditPage> {
    const rows = await guardedSql('audit events', () => {
      let query = this.db.selectFrom('audit_events').selectAll();
      if (q.before !== undefined) query = query.where('id', '<', q.before);
      if (q.actor !== undefined) query = query.where('actor', '=', q.actor);
      if (q.action !== undefined) query = query.where('action', '=', q.action);
      if (q.target !== undefined) query = query.where('target', '=', q.target);
      if (q.since !== undefined) query = query.where('at', '>=', new Date(q.since));
      return query
        .orderBy('id', 'desc')
        .limit(q.limit + 1)
        .execute();
    });
    const events = rows.slice(0, q.limit).map(eventOf);
    return { events, next: rows.length > q.limit ? events[events.length - 1]!.id : null };
  }
}
