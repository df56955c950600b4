import { NatsBus, Logger, Metrics, contracts, parseConfig, type LoadSample } from '@ensemble/shared';
import { startNats, startRedis, type TestServer } from '@ensemble/testing';
import { schedulerEnvSchema } from '../config.js';
import { startScheduler, type RunningScheduler } from '../bootstrap.js';

describe('placement through a real scheduler', () => {
  let nats: TestServer;
  let redis: TestServer;
  let scheduler: RunningScheduler;
  let bus: NatsBus;

  beforeAll(async () => {
    [nats, redis] = await Promise.all([startNats(), startRedis()]);
    const config = parseConfig('scheduler', schedulerEnvSchema, { NATS_URL: nats.url, REDIS_URL: redis.url, METRICS_PORT: '0' });
    scheduler = await startScheduler(config, { logSink: () => {} });
    bus = await NatsBus.connect({ url: nats.url, name: 'test', logger: new Logger('test', 'error'), metrics: new Metrics('test') });
  });

  afterAll(async () => {
    await bus?.close();
    await scheduler?.close();
    await Promise.all([nats?.stop(), redis?.stop()]);
  });

  it('spreads a burst of new rooms over idle nodes', async () => {
    for (let i = 1; i <= 4; i++) {
      await bus.request(contracts.registerNode, { id: `n${i}`, url: `http://127.0.0.1:${1000 + i}/bigbluebutton/`, secret: 'secret-secret' });
      const sample: LoadSample = { nodeId: `n${i}`, engine: 'bbb', at: Date.now(), reachable: true, latencyMs: 1, meetings: 0, participants: 0, moderators: 0, videoStreams: 0, voiceParticipants: 0, largestMeeting: 0, cpu: null, error: null };
      bus.publish(contracts.loadSample, sample);
    }
    await new Promise((r) => setTimeout(r, 300));
    const counts = new Map<string, number>();
    for (let i = 0; i < 200; i++) {
      const p = await bus.request(contracts.place, { roomKey: `room-${i}`, engine: 'bbb' });
      counts.set(p.nodeId, (counts.get(p.nodeId) ?? 0) + 1);
    }
    expect(counts.size).toBe(4);
  });
});
