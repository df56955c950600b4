import { BbbSim } from '@ensemble/bbb-sim';
import { contracts, type PollTarget } from '@ensemble/contracts';
import { Logger, Metrics, NatsBus, parseConfig, signedApiUrl } from '@ensemble/shared';
import { startNats, waitFor, type TestServer } from '@ensemble/testing';
import { startLoadCollector, type RunningLoadCollector } from '../bootstrap.js';
import { loadCollectorEnvSchema } from '../config.js';
import { shardOf } from './node-shard.js';

const polledOk = async (c: RunningLoadCollector): Promise<number | undefined> => {
  const text = await (await fetch(`http://127.0.0.1:${c.metricsPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('ensemble_collector_nodes_polled{outcome="ok"'));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
};

describe('two collectors sharing a fleet by shard', () => {
  let nats: TestServer;
  let bus: NatsBus;
  let sim: BbbSim;
  const collectors: RunningLoadCollector[] = [];
  const sampled = new Set<string>();

  beforeAll(async () => {
    nats = await startNats();
    bus = await NatsBus.connect({
      url: nats.url,
      name: 'test',
      logger: new Logger('test', 'error', () => {}),
      metrics: new Metrics('test'),
    });
    sim = await BbbSim.start({ nodes: 10, idPrefix: 'shard' });
    const targets: PollTarget[] = sim.nodes.map((n) => ({
      nodeId: n.id,
      engine: 'bbb',
      url: n.baseUrl,
      health: 'online',
      pollUrl: signedApiUrl(n.apiUrl, 'getMeetings', {}, n.secret),
    }));
    bus.serve(contracts.pollTargets, async () => ({ targets }));
    bus.subscribe(contracts.loadSample, (s) => void sampled.add(s.nodeId));
    await bus.connection.flush();
    for (const index of [0, 1]) {
      const config = parseConfig('load-collector', loadCollectorEnvSchema, {
        NATS_URL: nats.url,
        METRICS_PORT: '0',
        POLL_INTERVAL_S: '0.3',
        COLLECTOR_SHARD_INDEX: String(index),
        COLLECTOR_SHARD_COUNT: '2',
      });
      collectors.push(await startLoadCollector(config, { logSink: () => {} }));
    }
  });

  afterAll(async () => {
    for (const c of collectors) await c.close();
    await bus?.close();
    await sim?.stop();
    await nats?.stop();
  });

  it('polls each node from exactly one collector, and every node from one of them', async () => {
    const expected = [0, 1].map((i) => sim.nodes.filter((n) => shardOf(n.id, 2) === i).length);
    await waitFor('a completed cycle on both collectors', async () => {
      const counts = await Promise.all(collectors.map(polledOk));
      return counts.every((c) => c !== undefined) ? counts : undefined;
    });
    expect(await Promise.all(collectors.map(polledOk))).toEqual(expected);
    await waitFor('a sample from every node', () => sampled.size === sim.nodes.length, { timeoutMs: 5000 });
  });
});
