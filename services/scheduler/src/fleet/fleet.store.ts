import {
  loadSampleSchema,
  roomKeysOfMeeting,
  signedApiUrl,
  type Engine,
  type FleetNode,
  type FleetNodeView,
  type LoadSample,
  type NodeHealth,
  type PollTarget,
  type RegisterNode,
  type UpdateNode,
  guarded,
} from '@ensemble/shared';
import type { Redis } from 'ioredis';
import { KEY_PREFIX, keys } from '../keys.js';
import type { SchedulerScripts } from '../scripts.js';

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
    };

type NodeHash = Record<string, string>;

/** Nodes, their health and last samples in Redis. The only holder of node secrets. */
export class FleetStore {
  constructor(
    private readonly redis: Redis,
    private readonly scripts: SchedulerScripts,
  ) {}

  async register(id: string, n: RegisterNode, now: number): Promise<'added' | 'exists' | 'conflict'> {
    const result = await guarded('register', () =>
      this.scripts.registerNode(
        KEY_PREFIX,
        id,
        n.engine,
        n.url,
        n.secret ?? '',
        n.state,
        n.loadMultiplier,
        n.tags.join(','),
        now,
        n.enableWhenHealthy ? 1 : 0,
      ),
    );
    // Idempotent, so a retried registration still records it.
    if (result !== 'conflict' && n.prometheusInstance) {
      await guarded('register', () => this.redis.hset(keys.node(id), 'prometheusInstance', n.prometheusInstance!));
    }
    return result as 'added' | 'exists' | 'conflict';
  }

  async get(id: string): Promise<FleetNode | null> {
    const h = await guarded('get node', () => this.redis.hgetall(keys.node(id)));
    return h.id ? toNode(h) : null;
  }

  /** Returns false when there is no such node. */
  async update(u: UpdateNode): Promise<boolean> {
    const r = await guarded('update node', () =>
      this.scripts.updateNode(KEY_PREFIX, u.id, u.state ?? '', u.loadMultiplier ?? '', u.tags ? u.tags.join(',') : '-'),
    );
    return r === 1;
  }

  async remove(id: string): Promise<boolean> {
    return (await guarded('remove node', () => this.scripts.removeNode(KEY_PREFIX, id))) === 1;
  }

  /** URL and secret of a node, for signing calls on it (never leaves the scheduler). */
  async credentials(id: string): Promise<{ url: string; secret: string } | null> {
    const [url, secret] = await guarded('node credentials', () => this.redis.hmget(keys.node(id), 'url', 'secret'));
    return url && secret ? { url, secret } : null;
  }

  async list(engine?: Engine): Promise<FleetNodeView[]> {
    const hashes = await this.hashes();
    const now = Date.now();
    const views: FleetNodeView[] = [];
    for (const h of hashes) {
      if (engine && h.engine !== engine) continue;
      const pending = await this.livePending(h.id!, now);
      const load = Number(h.load ?? 0);
      views.push({
        ...toNode(h),
        lastSample: parseSample(h.sample),
        load: (load + pending) / Number(h.loadMultiplier ?? 1),
        pendingLoad: pending,
        rooms: Number(h.rooms ?? 0),
        version: h.version || null,
      });
    }
    return views.sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Poll targets with a pre-signed getMeetings URL: the secret itself stays here. */
  async pollTargets(): Promise<PollTarget[]> {
    const hashes = await this.hashes();
    return hashes
      .filter((h) => h.engine === 'bbb')
      .map((h) => ({
        nodeId: h.id!,
        engine: 'bbb' as const,
        url: h.url!,
        health: (h.health ?? 'unknown') as NodeHealth,
        pollUrl: signedApiUrl(apiBase(h.url!), 'getMeetings', {}, h.secret!, 'sha256'),
      }));
  }

  /**
   * `ended`: how rooms whose meeting is gone are released (null: they are not);
   * `afterPolls` lists in a row must miss the meeting, and the room's peak size is
   * kept `rememberSizeS` for its next placement (0: not at all).
   */
  async applySample(
    s: LoadSample,
    load: number,
    offlineAfter: number,
    onlineAfter: number,
    ended: { afterPolls: number; rememberSizeS: number } | null,
  ): Promise<SampleOutcome> {
    const { runningMeetings, ...kept } = s;
    // Each meeting as (web-app room key, BBB API room key, participants): the script matches either.
    const running = (runningMeetings ?? []).flatMap((m) => [...roomKeysOfMeeting(m.meetingID), m.participants]);
    const r = (await guarded('apply sample', () =>
      this.scripts.applySample(
        KEY_PREFIX,
        s.nodeId,
        s.at,
        s.reachable ? 1 : 0,
        JSON.stringify(kept),
        load,
        offlineAfter,
        onlineAfter,
        s.meetings,
        runningMeetings && s.reachable && ended ? 1 : 0,
        ended?.rememberSizeS ?? 0,
        ended?.afterPolls ?? 1,
        ...running,
      ),
    )) as string[];
    if (r[0] === 'transition' || r[0] === 'applied') {
      return {
        kind: r[0],
        previous: r[1] as NodeHealth,
        health: r[2] as NodeHealth,
        enabled: r[3] === '1',
        disabled: r[4] === '1',
        released: Number(r[5] ?? 0),
      };
    }
    return { kind: r[0] as 'unknown-node' | 'stale' };
  }

  /** Disables a node and releases its rooms in one step; null when there is no such node. */
  async panic(id: string): Promise<number | null> {
    const n = Number(await guarded('panic node', () => this.scripts.panicNode(KEY_PREFIX, id)));
    return n < 0 ? null : n;
  }

  async setVersion(id: string, version: string): Promise<void> {
    await guarded('set version', () => this.scripts.setVersion(KEY_PREFIX, id, version));
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

  private async livePending(id: string, now: number): Promise<number> {
    const live = await this.redis.zrangebyscore(keys.nodePending(id), now, '+inf');
    if (live.length === 0) return 0;
    const loads = await this.redis.hmget(keys.nodePendingLoad(id), ...live);
    return loads.reduce((sum, l) => sum + Number(l ?? 0), 0);
  }
}

/** BBB's API lives under `<base>/api/`; a base URL may be given with or without it. */
export function apiBase(url: string): string {
  const base = url.endsWith('/') ? url : `${url}/`;
  return base.endsWith('/api/') ? base : `${base}api/`;
}

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
