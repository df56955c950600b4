import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoadSample, PollTarget } from '@ensemble/contracts';
import { waitFor } from '@ensemble/testing';
import { BbbPollClient } from '../bbb/bbb-poll.client.js';
import { failedXml, getMeetingsXml } from '../bbb/get-meetings.test-support.js';
import { PollCycle } from './poll-cycle.js';

/**
 * A real HTTP server standing in for a fleet: the path names the node, the node
 * name says how it behaves. It counts requests in flight to check the pool bound.
 */
async function fleetServer() {
  let inFlight = 0;
  let maxInFlight = 0;
  let hanging = 0;
  const server: Server = createServer((req, res) => {
    const node = (req.url ?? '').split('?')[0]!.split('/')[1] ?? '';
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    const reply = (status: number, body: string) => res.writeHead(status, { 'content-type': 'text/xml' }).end(body);
    if (node.startsWith('hang'))
      hanging++; // never answers: only an abort or the deadline ends the poll
    else if (node.startsWith('slow')) {
      const t = setTimeout(() => reply(200, getMeetingsXml([])), 1000);
      res.on('close', () => clearTimeout(t));
    } else if (node.startsWith('broken')) reply(200, '<response><returncode>SUCCESS</returncode><meetings><meeting>');
    else if (node.startsWith('wrongsecret'))
      reply(200, failedXml('checksumError', 'You did not pass the checksum security check'));
    else setTimeout(() => reply(200, getMeetingsXml([{ participants: 6, moderators: 2, video: 1, voice: 5 }])), 30);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    target: (nodeId: string, health: PollTarget['health'] = 'online'): PollTarget => ({
      nodeId,
      engine: 'bbb',
      url: `http://127.0.0.1:${port}/${nodeId}/bigbluebutton/`,
      health,
      pollUrl: `http://127.0.0.1:${port}/${nodeId}/bigbluebutton/api/getMeetings?checksum=00`,
    }),
    maxInFlight: () => maxInFlight,
    /** Requests to `hang-*` nodes so far. */
    requests: () => hanging,
    waitForRequests: (n: number) => waitFor(`${n} requests to hanging nodes`, () => hanging >= n, { intervalMs: 5 }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('a poll cycle over many nodes', () => {
  let fleet: Awaited<ReturnType<typeof fleetServer>>;
  let client: BbbPollClient;

  beforeAll(async () => {
    fleet = await fleetServer();
    client = new BbbPollClient({ connectTimeoutMs: 500, timeoutMs: 300, offlineTimeoutMs: 100, maxBodyBytes: 1 << 20 });
  });

  afterAll(async () => {
    await client.close();
    await fleet.close();
  });

  function cycleWith(concurrency: number) {
    const published: Array<{ sample: LoadSample; atMs: number }> = [];
    const started = performance.now();
    const cycle = new PollCycle({
      client,
      concurrency,
      publish: (sample) => published.push({ sample, atMs: performance.now() - started }),
    });
    return { cycle, published };
  }

  it('never has more polls in flight than the concurrency bound, and polls every node once', async () => {
    const targets = Array.from({ length: 40 }, (_, i) => fleet.target(`node-${i}`));
    const { cycle, published } = cycleWith(4);
    const stats = await cycle.run(targets);
    expect(fleet.maxInFlight()).toBe(4);
    expect(stats).toMatchObject({ polled: 40, ok: 40, failed: 0 });
    expect(new Set(published.map((p) => p.sample.nodeId)).size).toBe(40);
  });

  it('turns a good answer into a reachable sample with the counts and the meetings listed', async () => {
    const { cycle, published } = cycleWith(2);
    const before = Date.now();
    await cycle.run([fleet.target('good-1')]);
    expect(published[0]?.sample).toEqual({
      nodeId: 'good-1',
      engine: 'bbb',
      at: expect.any(Number),
      reachable: true,
      latencyMs: expect.any(Number),
      meetings: 1,
      participants: 6,
      moderators: 2,
      videoStreams: 1,
      voiceParticipants: 5,
      largestMeeting: 6,
      cpu: null,
      error: null,
      runningMeetings: [{ meetingID: 'room-0', participants: 6 }],
    });
    expect(published[0]!.sample.at).toBeGreaterThanOrEqual(before);
  });

  it('publishes each sample when it is ready, so a slow node delays nobody else', async () => {
    const targets = [fleet.target('slow-1'), ...Array.from({ length: 6 }, (_, i) => fleet.target(`fast-${i}`))];
    const { cycle, published } = cycleWith(3);
    await cycle.run(targets);
    const slow = published.find((p) => p.sample.nodeId === 'slow-1');
    const fast = published.filter((p) => p.sample.nodeId.startsWith('fast'));
    expect(slow?.sample).toMatchObject({ reachable: false, error: 'timeout', participants: 0 });
    expect(fast).toHaveLength(6);
    for (const f of fast) expect(f.atMs).toBeLessThan(slow!.atMs);
  });

  it('marks unparseable XML and a FAILED answer unreachable with zero counts and the reason', async () => {
    const { cycle, published } = cycleWith(2);
    const stats = await cycle.run([fleet.target('broken-1'), fleet.target('wrongsecret-1')]);
    expect(stats).toMatchObject({ ok: 0, failed: 2 });
    const byNode = new Map(published.map((p) => [p.sample.nodeId, p.sample]));
    expect(byNode.get('broken-1')).toMatchObject({ reachable: false, error: 'bad-xml', meetings: 0, participants: 0 });
    expect(byNode.get('wrongsecret-1')).toMatchObject({
      reachable: false,
      error: 'bbb-failed:checksumError',
      meetings: 0,
    });
  });

  it('skips Jitsi targets, which are measured through Prometheus', async () => {
    const { cycle, published } = cycleWith(2);
    const stats = await cycle.run([{ ...fleet.target('jitsi-1'), engine: 'jitsi' }, fleet.target('good-2')]);
    expect(stats.polled).toBe(1);
    expect(published.map((p) => p.sample.nodeId)).toEqual(['good-2']);
  });

  it('stops starting polls and publishes nothing more once shutdown aborts the cycle', async () => {
    // Nodes that never answer and a poll deadline far beyond the test's timeout (60 s vs 5 s):
    // the cycle can only end because the abort cut the polls in flight.
    const patient = new BbbPollClient({
      connectTimeoutMs: 500,
      timeoutMs: 60_000,
      offlineTimeoutMs: 60_000,
      maxBodyBytes: 1 << 20,
    });
    try {
      const targets = Array.from({ length: 12 }, (_, i) => fleet.target(`hang-${i}`));
      const published: LoadSample[] = [];
      const cycle = new PollCycle({ client: patient, concurrency: 2, publish: (s) => void published.push(s) });
      const shutdown = new AbortController();
      const running = cycle.run(targets, shutdown.signal);
      await fleet.waitForRequests(2);
      shutdown.abort();
      await running;
      expect(published).toHaveLength(0);
      expect(fleet.requests()).toBe(2); // no poll started after the abort (12 were due)
    } finally {
      await patient.close();
    }
  });
});
