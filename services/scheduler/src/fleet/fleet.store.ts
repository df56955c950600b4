import { Inject, Injectable } from '@nestjs/common';
import {
  loadSampleSchema,
  type Engine,
  type FleetNode,
  type FleetNodeView,
  type LoadSample,
  type NodeHealth,
  type UpdateNode,
} from '@ensemble/contracts';
import {
  CONFIG,
  DEFAULT_TENANT,
  REDIS,
  guarded,
  mayBeWebRoomMeeting,
  roomKeysOfMeeting,
  tenantOfRoomKey,
} from '@ensemble/shared';
import type { Redis } from 'ioredis';
import type { PlacementOptions, SchedulerConfig } from '../config.js';
import { fleetKeys as keys } from '../keys.js';
import { PLACEMENT_OPTIONS } from '../load/load.tokens.js';
import { SCHEDULER_SCRIPTS, type SchedulerScripts } from '../scripts.js';
import type { NodeRecord } from './nodes.repository.js';

export type SampleOutcome =
  | { kind: 'unknown-node' | 'stale' }
  | {
      kind: 'applied' | 'transition';
      previous: NodeHealth;
      health: NodeHealth;
      /** A cordoned node with enableWhenHealthy went online and was enabled. */
      enabled: boolean;
      /** A cordoned node reported itself empty and was disabled. */
      disabled: boolean;
      /** Rooms released because their meeting was no longer listed on the node. */
      released: number;
      /** Rooms re-learned from this sample's list after a Redis loss (decision 091). */
      adopted: number;
      /** This sample ended the re-learning phase. */
      relearned: boolean;
      /** Meetings this node lists whose room was kept on another node (each told once per phase). */
      duplicates: { roomKey: string; keptOn: string }[];
    };

/** Where re-learning after a Redis loss stands (relearn-begin.lua). */
export type RelearnPhase = { kind: 'began' | 'on'; since: number } | { kind: 'off' };

/** What correcting a mirrored node to its record did (correct-node.lua). */
export type Correction = { kind: 'corrected'; fields: string[] } | { kind: 'changed' | 'other-node' | 'gone' };

/** A mirrored node: its record as Redis holds it, and the raw fields correct-node.lua compares. */
export interface MirroredNode {
  record: NodeRecord;
  fields: string[];
}

type NodeHash = Record<string, string>;

/** A node as the fleet keeps it, before its load is added (FleetService.list). */
export type FleetNodeRecord = Omit<FleetNodeView, 'load' | 'pendingLoad'>;

/** A BBB node to poll, with its secret for signing the poll (never leaves the scheduler). */
export interface BbbPollNode {
  nodeId: string;
  url: string;
  health: NodeHealth;
  secret: string;
}

/**
 * Nodes, their health and last samples in Redis: the mirror of the inventory (PostgreSQL,
 * NodesRepository) that placement reads, plus the hot state only Redis keeps.
 */
@Injectable()
export class FleetStore {
  /** apply-sample's options (JSON, encoded once): health streaks and the placement rule it shares. */
  private readonly sampleOptions: string;
  /** The placement rule (JSON, encoded once), for the scripts that drop a node's rooms (their tenants' grace). */
  private readonly placementOptions: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SCHEDULER_SCRIPTS) private readonly scripts: SchedulerScripts,
    @Inject(CONFIG) config: SchedulerConfig,
    @Inject(PLACEMENT_OPTIONS) placement: PlacementOptions,
  ) {
    this.sampleOptions = JSON.stringify({
      offlineAfter: config.HEALTH_OFFLINE_AFTER,
      onlineAfter: config.HEALTH_ONLINE_AFTER,
      placement,
    });
    this.placementOptions = JSON.stringify(placement);
  }

  /**
   * Mirrors a node's record from PostgreSQL (register-node.lua): added when Redis lacks it,
   * 'exists' when Redis holds the same id, engine and URL (left as it is), else 'conflict'.
   */
  /** `onlyIfSeen`: write nothing to a Redis that lost its data since it was looked at (`unseen`). */
  async mirror(
    n: NodeRecord,
    opts: { onlyIfSeen?: boolean } = {},
  ): Promise<'added' | 'exists' | 'conflict' | 'unseen'> {
    const result = await guarded('mirror node', () =>
      this.scripts.registerNode(
        n.id,
        n.engine,
        n.url,
        n.secret,
        n.state,
        n.loadMultiplier,
        n.tags.join(','),
        n.createdAt,
        n.enableWhenHealthy ? 1 : 0,
        opts.onlyIfSeen ? '1' : '',
      ),
    );
    // Idempotent, so a retried registration still records it.
    if ((result === 'added' || result === 'exists') && n.prometheusInstance) {
      await guarded('mirror node', () => this.redis.hset(keys.node(n.id), 'prometheusInstance', n.prometheusInstance!));
    }
    return result as 'added' | 'exists' | 'conflict' | 'unseen';
  }

  /** The ids of the mirrored nodes. */
  async ids(): Promise<string[]> {
    return guarded('list node ids', () => this.redis.smembers(keys.nodes));
  }

  /** Every node's record as Redis holds it, with the raw fields (to compare with the inventory). */
  async mirrored(): Promise<MirroredNode[]> {
    return (await this.hashes()).map((h) => {
      const n = toNode(h);
      const record: NodeRecord = {
        id: n.id,
        engine: n.engine,
        url: n.url,
        secret: h.secret ?? '',
        tags: n.tags,
        loadMultiplier: n.loadMultiplier,
        state: n.state,
        enableWhenHealthy: h.enableWhenHealthy === '1',
        prometheusInstance: n.prometheusInstance ?? null,
        createdAt: n.createdAt,
      };
      return { record, fields: MIRRORED_FIELDS.map((f) => h[f] ?? '') };
    });
  }

  /**
   * Corrects a mirrored node to its record, only if Redis still holds `read` (compare-and-set:
   * a change made since is newer than the record read after it). Health and samples stay.
   */
  async correct(read: string[], record: NodeRecord): Promise<Correction> {
    const r = (await guarded('correct node', () =>
      this.scripts.correctNode(record.id, ...read, ...mirroredFieldsOf(record)),
    )) as string[];
    if (r[0] === 'corrected') return { kind: 'corrected', fields: r.slice(1) };
    return { kind: r[0] as 'changed' | 'other-node' | 'gone' };
  }

  /**
   * Notices a Redis that lost its data and begins re-learning rooms (decision 091); with
   * `restored`, tells that the inventory was mirrored back since the phase began.
   */
  async relearn(maxMs: number, restored: boolean): Promise<RelearnPhase> {
    const r = (await guarded('relearn', () => this.scripts.relearnBegin(maxMs, restored ? '1' : ''))) as string[];
    return r[0] === 'off' ? { kind: 'off' } : { kind: r[0] as 'began' | 'on', since: Number(r[1]) };
  }

  /** Whether a scheduler has seen this Redis before (false: it lost its data, or is new). */
  async hasEpoch(): Promise<boolean> {
    return (await guarded('read epoch', () => this.redis.exists(keys.epoch))) === 1;
  }

  async get(id: string): Promise<FleetNode | null> {
    const h = await guarded('get node', () => this.redis.hgetall(keys.node(id)));
    return h.id ? toNode(h) : null;
  }

  /** Returns false when there is no such node. */
  async update(u: UpdateNode): Promise<boolean> {
    const r = await guarded('update node', () =>
      this.scripts.updateNode(u.id, u.state ?? '', u.loadMultiplier ?? '', u.tags ? u.tags.join(',') : '-'),
    );
    return r === 1;
  }

  async remove(id: string): Promise<boolean> {
    return (await guarded('remove node', () => this.scripts.removeNode(this.placementOptions, id))) === 1;
  }

  /** URL and secret of a node, for signing calls on it (never leaves the scheduler). */
  async credentials(id: string): Promise<{ url: string; secret: string } | null> {
    const [url, secret] = await guarded('node credentials', () => this.redis.hmget(keys.node(id), 'url', 'secret'));
    return url && secret ? { url, secret } : null;
  }

  async list(engine?: Engine): Promise<FleetNodeRecord[]> {
    const hashes = await this.hashes();
    return hashes
      .filter((h) => !engine || h.engine === engine)
      .map((h) => ({
        ...toNode(h),
        lastSample: parseSample(h.sample),
        rooms: Number(h.rooms ?? 0),
        version: h.version || null,
      }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The BBB nodes, with what signing their poll needs. */
  async bbbPollNodes(): Promise<BbbPollNode[]> {
    const hashes = await this.hashes();
    return hashes
      .filter((h) => h.engine === 'bbb')
      .map((h) => ({
        nodeId: h.id!,
        url: h.url!,
        health: (h.health ?? 'unknown') as NodeHealth,
        secret: h.secret!,
      }));
  }

  /** Applies a sample (in time order) and decides the node's health; ended rooms are released per the placement rule. */
  async applySample(s: LoadSample): Promise<SampleOutcome> {
    const { runningMeetings, ...kept } = s;
    // Each meeting as (its own key, its BBB API key, participants, whether a re-learning adopts
    // the first too: only a web room's, decision 091, and the tenant a re-learning accounts it
    // to: the one its meetingID names, decision 112): the script matches either key.
    const running = (runningMeetings ?? []).flatMap((m) => {
      const [own, bbbApi] = roomKeysOfMeeting(m.meetingID);
      return [
        own,
        bbbApi,
        m.participants,
        mayBeWebRoomMeeting(m.meetingID) ? 1 : 0,
        tenantOfRoomKey(bbbApi) ?? DEFAULT_TENANT,
      ];
    });
    const r = (await guarded('apply sample', () =>
      this.scripts.applySample(this.sampleOptions, JSON.stringify(kept), runningMeetings ? 1 : 0, ...running),
    )) as string[];
    if (r[0] === 'transition' || r[0] === 'applied') {
      return {
        kind: r[0],
        previous: r[1] as NodeHealth,
        health: r[2] as NodeHealth,
        enabled: r[3] === '1',
        disabled: r[4] === '1',
        released: Number(r[5] ?? 0),
        adopted: Number(r[6] ?? 0),
        relearned: r[7] === '1',
        duplicates: pairs(r.slice(8)).map(([roomKey, keptOn]) => ({ roomKey, keptOn })),
      };
    }
    return { kind: r[0] as 'unknown-node' | 'stale' };
  }

  /** Disables a node and releases its rooms in one step; null when there is no such node. */
  async panic(id: string): Promise<number | null> {
    const n = Number(await guarded('panic node', () => this.scripts.panicNode(this.placementOptions, id)));
    return n < 0 ? null : n;
  }

  /**
   * Marks an online node suspect (suspect-node.lua); any other node is left as it is.
   * Null when there is no such node.
   */
  async suspect(id: string, reason: string): Promise<{ previous: NodeHealth; health: NodeHealth } | null> {
    const r = (await guarded('suspect node', () => this.scripts.suspectNode(id, reason))) as string[];
    return r.length === 2 ? { previous: r[0] as NodeHealth, health: r[1] as NodeHealth } : null;
  }

  async setVersion(id: string, version: string): Promise<void> {
    await guarded('set version', () => this.scripts.setVersion(id, version));
  }

  private async hashes(): Promise<NodeHash[]> {
    return guarded('list nodes', async () => {
      const ids = await this.redis.smembers(keys.nodes);
      if (ids.length === 0) return [];
      const pipe = this.redis.pipeline();
      for (const id of ids) pipe.hgetall(keys.node(id));
      const results = (await pipe.exec()) ?? [];
      return results.map(([, h]) => h as NodeHash).filter((h) => h && h.id);
    });
  }
}

/** A node's record fields in Redis, in correct-node.lua's order. */
const MIRRORED_FIELDS = [
  'engine',
  'url',
  'secret',
  'state',
  'loadMultiplier',
  'tags',
  'enableWhenHealthy',
  'createdAt',
  'prometheusInstance',
] as const;

/** A record's fields as the mirror writes them (register-node.lua), in MIRRORED_FIELDS' order. */
export const mirroredFieldsOf = (n: NodeRecord): string[] => [
  n.engine,
  n.url,
  n.secret,
  n.state,
  String(n.loadMultiplier),
  n.tags.join(','),
  n.enableWhenHealthy ? '1' : '0',
  String(n.createdAt),
  n.prometheusInstance ?? '',
];

const pairs = (flat: string[]): [string, string][] =>
  Array.from({ length: Math.floor(flat.length / 2) }, (_, i) => [flat[2 * i]!, flat[2 * i + 1]!]);

function toNode(h: NodeHash): FleetNode {
  return {
    id: h.id!,
    engine: h.engine as Engine,
    url: h.url!,
    state: h.state as FleetNode['state'],
    health: (h.health ?? 'unknown') as NodeHealth,
    loadMultiplier: Number(h.loadMultiplier ?? 1),
    tags: h.tags ? h.tags.split(',') : [],
    createdAt: Number(h.createdAt ?? 0),
    ...(h.prometheusInstance ? { prometheusInstance: h.prometheusInstance } : {}),
  };
}

function parseSample(raw: string | undefined): LoadSample | null {
  if (!raw) return null;
  const r = loadSampleSchema.safeParse(JSON.parse(raw));
  return r.success ? r.data : null;
}
