import { roomSettingsSchema, type RoomSettings } from '@ensemble/contracts';
import { newTally, type ImportTally } from '@ensemble/shared';
import type { Redis } from 'ioredis';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { GatewayTables } from '../db/schema.js';
import { isLinkToken, linkHash } from '../rooms/link-token.js';
import { OLD_CREATE_PARAMS_PREFIX, oldKeys } from './redis-keys.js';

export interface ImportReport {
  users: ImportTally;
  rooms: ImportTally;
  /** Create calls of BBB API meetings, by meeting id. */
  meetings: ImportTally;
}

/** The JSON the old CreateParamsStore wrote (frozen: data of the old version). */
const oldCreateSchema = z.object({
  query: z.string().min(1),
  body: z.string().optional(),
  contentType: z.string().optional(),
  nodeId: z.string().min(1),
  at: z.number(),
});
/** A create call Redis kept without a TTL (never written so, but possible by hand): kept this long. */
const NO_TTL_KEEP_S = 7 * 86_400;

/**
 * Copies the accounts and rooms (with their links) the gateway kept in Redis before
 * decision 090, and the create calls of running BBB API meetings (decision 092), into
 * PostgreSQL. Idempotent: a record already there (same id) is counted,
 * not touched; a record that would clash with a different one (an e-mail taken by another
 * id, a link hash another room holds) is skipped and reported, never overwritten. Each
 * record is copied in a transaction of its own. Links keep their tokens and hashes, so the
 * old link URLs open the same rooms. Redis is only read.
 */
export class RedisImport {
  constructor(
    private readonly redis: Redis,
    private readonly db: Kysely<GatewayTables>,
  ) {}

  async run(): Promise<ImportReport> {
    const users = newTally();
    for (const key of await this.keys(oldKeys.users)) await this.copyUser(key, users);
    const rooms = newTally();
    for (const key of await this.keys(oldKeys.rooms)) await this.copyRoom(key, rooms);
    const meetings = newTally();
    for (const key of await this.keys(oldKeys.createParams)) await this.copyCreateParams(key, meetings);
    return { users, rooms, meetings };
  }

  /** True when Redis still holds records of the old format under `pattern` (the gateway warns at start). */
  async hasOld(pattern: string): Promise<boolean> {
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (found.length > 0) return true;
      cursor = next;
    } while (cursor !== '0');
    return false;
  }

  /** Every key matching `pattern`, sorted (SCAN, never KEYS: a large Redis is not blocked). */
  private async keys(pattern: string): Promise<string[]> {
    const all = new Set<string>();
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      for (const k of found) all.add(k);
      cursor = next;
    } while (cursor !== '0');
    return [...all].sort();
  }

  private async copyUser(key: string, t: ImportTally): Promise<void> {
    const h = await this.redis.hgetall(key);
    const id = h.id ?? key.slice(oldKeys.user('').length);
    const createdAt = Number(h.createdAt);
    // The old store read a user only with these three fields; anything less was never a user.
    if (!h.id || !h.email || !h.passwordHash) return void t.skipped.push({ id, reason: 'incomplete record' });
    if (!Number.isFinite(createdAt)) return void t.skipped.push({ id, reason: 'no valid createdAt' });
    const outcome = await this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('users')
        .values({
          id,
          email: h.email!,
          name: h.name ?? '',
          password_hash: h.passwordHash!,
          created_at: new Date(createdAt),
        })
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) return 'copied';
      const same = await trx.selectFrom('users').select('email').where('id', '=', id).executeTakeFirst();
      if (same?.email === h.email) return 'there';
      return same ? 'id-taken' : 'email-taken';
    });
    if (outcome === 'copied') t.copied++;
    else if (outcome === 'there') t.alreadyThere++;
    else if (outcome === 'email-taken')
      t.skipped.push({ id, reason: 'its e-mail already belongs to another account in PostgreSQL' });
    else t.skipped.push({ id, reason: 'its id already belongs to an account with another e-mail in PostgreSQL' });
  }

  private async copyRoom(key: string, t: ImportTally): Promise<void> {
    const h = await this.redis.hgetall(key);
    const id = h.id ?? key.slice(oldKeys.room('').length);
    const why = invalidRoom(h);
    if (why) return void t.skipped.push({ id, reason: why });
    const settings = parseSettings(h.settings);
    if (!settings) return void t.skipped.push({ id, reason: 'settings are not valid' });
    const [m, p] = [h.moderatorToken!, h.participantToken!];
    const outcome = await this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('rooms').select('owner_id').where('id', '=', id).executeTakeFirst();
      if (existing) return existing.owner_id === h.ownerId ? 'there' : 'id-taken';
      const owner = await trx.selectFrom('users').select('id').where('id', '=', h.ownerId!).executeTakeFirst();
      if (!owner) return 'no-owner';
      const inserted = await trx
        .insertInto('rooms')
        .values({
          id,
          owner_id: h.ownerId!,
          name: h.name ?? '',
          engine: h.engine === 'jitsi' ? 'jitsi' : 'bbb',
          settings: JSON.stringify(settings),
          moderator_token: m,
          participant_token: p,
          moderator_hash: linkHash(m),
          participant_hash: linkHash(p),
          created_at: new Date(Number(h.createdAt)),
        })
        // A room inserted meanwhile (id) or a link hash another room holds: nothing is written.
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .executeTakeFirst();
      return inserted ? 'copied' : 'link-taken';
    });
    if (outcome === 'copied') t.copied++;
    else if (outcome === 'there') t.alreadyThere++;
    else
      t.skipped.push({
        id,
        reason: {
          'id-taken': 'its id already belongs to another owner’s room in PostgreSQL',
          'no-owner': 'its owner is not in PostgreSQL (skipped or missing account)',
          'link-taken': 'one of its links already belongs to another room in PostgreSQL',
        }[outcome],
      });
  }

  /**
   * A running meeting's create call, so it can still be re-created after its node fails:
   * kept as long as Redis would have kept it (its TTL left). A meeting already in
   * PostgreSQL (created or joined on the new version) is newer and stays as it is.
   */
  private async copyCreateParams(key: string, t: ImportTally): Promise<void> {
    const id = key.slice(OLD_CREATE_PARAMS_PREFIX.length);
    const [[, raw], [, pttl]] = (await this.redis.multi().get(key).pttl(key).exec()) as [
      [unknown, string | null],
      [unknown, number],
    ];
    if (raw === null) return; // expired meanwhile: nothing to re-create
    const parsed = oldCreateSchema.safeParse(safeJson(raw));
    if (!parsed.success || id.length === 0) return void t.skipped.push({ id, reason: 'not a readable create call' });
    const c = parsed.data;
    const keepS = pttl > 0 ? pttl / 1000 : NO_TTL_KEEP_S;
    const inserted = await this.db
      .insertInto('bbb_create_params')
      .values({
        meeting_id: id,
        node_id: c.nodeId,
        query: c.query,
        body: c.body ?? null,
        content_type: c.contentType ?? null,
        created_at: new Date(c.at),
        expires_at: sql<Date>`now() + make_interval(secs => ${keepS})`,
      })
      .onConflict((oc) => oc.column('meeting_id').doNothing())
      .returning('meeting_id')
      .executeTakeFirst();
    if (inserted) t.copied++;
    else t.alreadyThere++;
  }
}

/** Why an old room record cannot be copied, or null. */
function invalidRoom(h: Record<string, string>): string | null {
  if (!h.id || !h.ownerId) return 'incomplete record';
  if (h.engine !== undefined && h.engine !== 'bbb' && h.engine !== 'jitsi') return 'unknown engine';
  if (!Number.isFinite(Number(h.createdAt))) return 'no valid createdAt';
  if (!isLinkToken(h.moderatorToken ?? '') || !isLinkToken(h.participantToken ?? '')) return 'links are not valid';
  // The old link index was keyed by these hashes: a token that does not hash to them never opened the room.
  if (h.moderatorHash && h.moderatorHash !== linkHash(h.moderatorToken!)) return 'links are not valid';
  if (h.participantHash && h.participantHash !== linkHash(h.participantToken!)) return 'links are not valid';
  return null;
}

function parseSettings(json: string | undefined): RoomSettings | null {
  try {
    const r = roomSettingsSchema.safeParse(JSON.parse(json ?? '{}'));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
