import { Logger, createRedis, signQuery, signedApiUrl } from '@ensemble/shared';
import { loadCollectorEnvSchema } from '@ensemble/load-collector';
import { waitFor } from '@ensemble/testing';
import type { Redis } from 'ioredis';
import { BBB_API_SECRET, FaultStack } from './faults.test-support.js';
import { enter, webRoom } from './meeting.test-support.js';

/** The load-collector's production poll interval: figures and tests describe production. */
const POLL_S = loadCollectorEnvSchema.parse({ NATS_URL: 'nats://127.0.0.1:4222' }).POLL_INTERVAL_S;
const BBB_MEETINGS = 6;
const WEB_ROOMS = 3;

/**
 * The scheduler's Redis loses everything (FLUSHALL) under a running stack (two scheduler
 * processes, a gateway, a load-collector polling a live bbb-sim fleet of three) while joins
 * and creates go on: nodes come back from PostgreSQL with their operator-set states, and
 * rooms from the next polls, without any meeting ever running on two nodes (decision 091).
 */
describe('the stack after Redis lost everything under load', () => {
  const s = new FaultStack();
  let redis: Redis;
  beforeAll(async () => {
    await s.start({ nodes: 3, pollS: POLL_S, schedulerProcesses: 2 });
    redis = createRedis(s.redis.url, new Logger('test', 'error'), 'test');
    await redis.connect();
  }, 120_000);
  afterAll(async () => {
    redis?.disconnect();
    await s.stop();
  });

  const bbbApi = (call: string, params: Record<string, string>) =>
    `${s.gateway.url}/bigbluebutton/api/${call}?${signQuery(call, new URLSearchParams(params).toString(), BBB_API_SECRET)}`;
  const nodeOfUrl = (url: string) => s.sim.nodes.find((n) => url.startsWith(n.baseUrl))?.id;

  /** meetingID -> the nodes that list it, asked as a poll does: each node's getMeetings. */
  const running = async (): Promise<Map<string, string[]>> => {
    const where = new Map<string, string[]>();
    for (const node of s.sim.nodes) {
      const xml = await (await fetch(signedApiUrl(node.apiUrl, 'getMeetings', {}, node.secret))).text();
      for (const [, id] of xml.matchAll(/<meetingID>([^<]*)<\/meetingID>/g)) {
        where.set(id!, [...(where.get(id!) ?? []), node.id]);
      }
    }
    return where;
  };
  const roomKeyOf = (meetingID: string) => (meetingID.startsWith('web-') ? meetingID : `bbb:${meetingID}`);

  it('puts every room back on the node its meeting runs on within two polls, nodes as the operator left them, never a meeting on two nodes', async () => {
    const bbbMeetings = Array.from({ length: BBB_MEETINGS }, (_, i) => `loss-${i}`);
    for (const meetingID of bbbMeetings) {
      const created = await (await fetch(bbbApi('create', { meetingID, name: meetingID }))).text();
      expect(created).toContain('SUCCESS');
    }
    const rooms = await Promise.all(Array.from({ length: WEB_ROOMS }, (_, i) => webRoom(s.gateway.url, `Room ${i}`)));
    for (const room of rooms) {
      const host = await room.joinAsModerator();
      expect(host.body.status).toBe('ready');
      await enter(host.body.url);
    }
    const before = await running();
    expect(before.size).toBe(BBB_MEETINGS + WEB_ROOMS);

    // Operator-set states: a cordoned node (it runs meetings, so it stays cordoned) and a multiplier.
    const [cordoned, weighted] = s.sim.nodes.map((n) => n.id).sort((a, b) => count(before, b) - count(before, a));
    expect(count(before, cordoned!)).toBeGreaterThan(0);
    expect((await s.ops('PATCH', `/api/ops/nodes/${cordoned}`, { state: 'cordoned' })).status).toBe(200);
    expect((await s.ops('PATCH', `/api/ops/nodes/${weighted}`, { loadMultiplier: 3 })).status).toBe(200);
    const admin = async () =>
      (await s.nodes()).map(({ id, state, loadMultiplier, tags, url }) => ({ id, state, loadMultiplier, tags, url }));
    const nodesBefore = await admin();

    // Watchers for the whole run: a meeting on two nodes, a join sent elsewhere than its meeting.
    const broken: string[] = [];
    const answers: Record<string, number> = {};
    const tally = (what: string) => (answers[what] = (answers[what] ?? 0) + 1);
    const run = { over: false }; // an object: the loops see it change
    const watch = (async () => {
      while (!run.over) {
        for (const [id, nodes] of await running()) if (nodes.length > 1) broken.push(`${id} on ${nodes.join(',')}`);
        await sleep(250);
      }
    })();
    const checkJoin = async (what: string, meetingID: string, url: string) => {
      const on = (await running()).get(meetingID) ?? [];
      if (!on.includes(nodeOfUrl(url) ?? '?'))
        broken.push(`${what} ${meetingID} sent to ${nodeOfUrl(url)}, runs on ${on.join(',')}`);
    };
    let fresh = 0;
    const load = async (worker: number) => {
      for (let i = 0; !run.over; i++) {
        const pick = (worker + i) % 4;
        if (pick === 0 || pick === 1) {
          const meetingID = bbbMeetings[(worker * 7 + i) % BBB_MEETINGS]!;
          const res = await fetch(bbbApi('join', { meetingID, fullName: `load ${worker}.${i}`, role: 'VIEWER' }), {
            redirect: 'manual',
          });
          const body = await res.text();
          if (res.status === 302) {
            tally('bbb join redirected');
            await checkJoin('bbb join', meetingID, res.headers.get('location')!);
          } else if (res.status === 200 && body.includes('FAILED')) tally('bbb join FAILED (retryable)');
          else broken.push(`bbb join answered ${res.status}`);
        } else if (pick === 2) {
          const room = rooms[(worker + i) % WEB_ROOMS]!;
          const r = await room.joinAsParticipant(`guest ${worker}.${i}`);
          if (r.status === 200 && r.body.status === 'ready') {
            tally('web join ready');
            await checkJoin('web join', room.roomKey, r.body.url);
          } else if (r.status === 202 && r.body.status === 'waiting') tally('web join waiting');
          else broken.push(`web join answered ${r.status} ${JSON.stringify(r.body)}`);
        } else {
          // Creates again (BBB's create is idempotent), and new meetings now and then.
          const meetingID = i % 8 === 3 ? `fresh-${worker}-${fresh++}` : bbbMeetings[i % BBB_MEETINGS]!;
          const res = await fetch(bbbApi('create', { meetingID, name: meetingID }));
          const body = await res.text();
          if (res.status !== 200) broken.push(`create answered ${res.status}`);
          tally(body.includes('SUCCESS') ? 'create SUCCESS' : 'create FAILED (retryable)');
        }
        await sleep(50);
      }
    };
    const workers = Promise.all([0, 1, 2, 3].map(load));
    await sleep(2000);

    await redis.flushall();

    // Within two polls every running meeting's room is where the meeting runs, asked as operators do.
    const truth = await running();
    await waitFor(
      'every room back on the node its meeting runs on',
      async () => {
        for (const [meetingID, [node]] of truth) {
          const res = await s.ops('GET', `/api/ops/rooms/${encodeURIComponent(roomKeyOf(meetingID))}`);
          if (!res.ok || ((await res.json()) as { nodeId: string }).nodeId !== node) return false;
        }
        return true;
      },
      { timeoutMs: 2 * POLL_S * 1000, intervalMs: 500 },
    );
    expect(await admin()).toEqual(nodesBefore);
    for (const meetingID of bbbMeetings) {
      const res = await fetch(bbbApi('join', { meetingID, fullName: 'after', role: 'VIEWER' }), { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(nodeOfUrl(res.headers.get('location')!)).toBe(truth.get(meetingID)![0]);
    }

    // New meetings are placed again once every node has listed its meetings (RELEARN_MAX_S at most).
    await waitFor(
      'a new meeting created',
      async () =>
        (await (await fetch(bbbApi('create', { meetingID: 'after-loss', name: 'n' }))).text()).includes('SUCCESS'),
      { timeoutMs: 2 * POLL_S * 1000 + 10_000, intervalMs: 1000 },
    );
    await sleep(2000);
    run.over = true;
    await Promise.all([workers, watch]);

    process.stdout.write(`faults-redis-loss: answers under load ${JSON.stringify(answers)}\n`);
    expect(broken).toEqual([]);
    expect(answers['bbb join redirected']).toBeGreaterThan(0);
    expect(answers['web join ready']).toBeGreaterThan(0);
    expect((await running()).get('after-loss')).toHaveLength(1);
  }, 300_000);
});

const count = (where: Map<string, string[]>, node: string) =>
  [...where.values()].filter((n) => n.includes(node)).length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
