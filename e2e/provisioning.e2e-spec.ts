import { contracts } from '@ensemble/contracts';
import { parseConfig, recordingTokenSha256 } from '@ensemble/shared';
import { startPostgres, waitFor, type PostgresServer } from '@ensemble/testing';
import { BbbSim } from '@ensemble/bbb-sim';
import { schedulerEnvSchema, startScheduler, type RunningScheduler } from '@ensemble/scheduler';
import { loadCollectorEnvSchema, startLoadCollector, type RunningLoadCollector } from '@ensemble/load-collector';
import { gatewayEnvSchema, startGateway, type RunningGateway } from '@ensemble/gateway-api';
import { ProvisionerHarness } from '../services/provisioner/src/provisioner-harness.test-support.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const TOKEN = 'test-ops-token-0123456789';
const RECORDING_TOKEN = 'terraform-recording-token-0123456789abcdef-';

describe('scale-out through Terraform, end to end', () => {
  const h = new ProvisionerHarness();
  let postgres: PostgresServer;
  let sim: BbbSim;
  let scheduler: RunningScheduler;
  let collector: RunningLoadCollector;
  let gateway: RunningGateway;

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${gateway.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'x-ensemble-operator': 'alice',
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    postgres = await startPostgres();
    await h.start({}, { postgres });
    const sink = (l: string) => void h.logs.push(l);
    const base = { NATS_URL: h.nats.url, METRICS_PORT: '0' };
    scheduler = await startScheduler(
      parseConfig('scheduler', schedulerEnvSchema, {
        ...base,
        REDIS_URL: h.redis.url,
        DATABASE_URL: await postgres.createDatabase(),
      }),
      {
        logSink: sink,
      },
    );
    collector = await startLoadCollector(
      parseConfig('load-collector', loadCollectorEnvSchema, { ...base, POLL_INTERVAL_S: '0.2' }),
      { logSink: sink },
    );
    gateway = await startGateway(
      parseConfig('gateway-api', gatewayEnvSchema, {
        NATS_URL: h.nats.url,
        DATABASE_URL: postgres.url,
        GATEWAY_PORT: '0',
        OPS_TOKEN: TOKEN,
      }),
      { logSink: sink },
    );
    sim = await BbbSim.start({ nodes: 2 });
  });

  afterAll(async () => {
    await gateway?.close();
    await collector?.close();
    await scheduler?.close();
    await sim?.stop();
    await h.stop();
    await postgres?.stop();
  });

  it('adds two nodes that register cordoned, go healthy and get enabled; then scales one in', async () => {
    h.dir.scenario(
      'success',
      sim.nodes.map((n, i) => ({
        api_url: n.apiUrl,
        secret: n.secret,
        ipv4: '127.0.0.1',
        hostname: `bbb-${i}.example.org`,
        recording_token: `${RECORDING_TOKEN}${i}`,
      })),
    );
    // Who asked comes from the operator header, never from the body.
    const forged = await call('POST', '/api/ops/scale-out', { count: 2, reason: 'e2e', by: 'mallory' });
    expect(forged.status).toBe(400);
    const accepted = await call('POST', '/api/ops/scale-out', { count: 2, reason: 'e2e: evening peak' });
    expect(accepted.status).toBe(202);
    const { runId } = accepted.body as { runId: string };

    const run = await h.finished(runId);
    expect(run).toMatchObject({
      phase: 'succeeded',
      failure: null,
      offer: 'GP-BM1-M',
      zone: 'fr-par-2',
      requestedBy: 'alice',
    });
    expect(run.registered.sort()).toEqual([...run.nodes].sort());
    expect(Object.keys(h.dir.nodeMap()).sort()).toEqual([...run.nodes].sort());
    expect(h.dir.calls().map((c) => c.args.join(' '))).toEqual([
      'init -input=false -no-color',
      `plan -json -input=false -out=ensemble-${runId}.tfplan`,
      `apply -json -input=false ensemble-${runId}.tfplan`,
      'output -json bbb_nodes',
    ]);

    // Cordoned at first, enabled by the scheduler after healthy polls of the bbb-sim nodes.
    const added = await waitFor(
      'both new nodes online and enabled',
      async () => {
        const { body } = await call('GET', '/api/ops/cluster');
        const mine = (body.nodes as { id: string; state: string; health: string; url: string }[]).filter((n) =>
          run.nodes.includes(n.id),
        );
        return mine.length === 2 && mine.every((n) => n.state === 'enabled' && n.health === 'online') && mine;
      },
      { timeoutMs: 15_000 },
    );
    expect(added.map((n) => n.url).sort()).toEqual(sim.nodes.map((n) => n.baseUrl).sort());

    const shown = await call('GET', `/api/ops/runs/${runId}`);
    expect(shown.status).toBe(200);
    expect(shown.body.events.map((e: { phase: string }) => e.phase)).toContain('registering');
    expect(JSON.stringify(shown.body)).not.toContain(sim.nodes[0]!.secret);
    expect(h.logs.join('')).not.toContain(sim.nodes[0]!.secret);
    // Each node's recording upload token came from Terraform's output, and resolves to it.
    const holders = await Promise.all(
      [0, 1].map((i) =>
        h.bus.request(contracts.resolveRecordingToken, { tokenSha256: recordingTokenSha256(`${RECORDING_TOKEN}${i}`) }),
      ),
    );
    expect(holders.map((x) => x.nodeId ?? '').sort((a, b) => a.localeCompare(b))).toEqual([...run.nodes].sort());
    expect(JSON.stringify([shown.body, h.logs])).not.toContain(RECORDING_TOKEN);

    const sd = JSON.parse(readFileSync(join(h.fileSdDir, 'bbb-provisioned.json'), 'utf8')) as {
      targets: string[];
      labels: Record<string, string>;
    }[];
    expect(sd.map((g) => g.targets[0]!).sort((a, b) => a.localeCompare(b))).toEqual([
      'bbb-0.example.org:9100',
      'bbb-0.example.org:9688',
      'bbb-1.example.org:9100',
      'bbb-1.example.org:9688',
    ]);

    // Scale-in: cordon, (empty), then a run that removes it from the node map.
    const [gone, kept] = run.nodes as [string, string];
    await h.bus.request(contracts.updateNode, { id: gone, state: 'cordoned', by: 'e2e' });
    const scaleIn = await h.bus.request(contracts.scaleIn, { nodeId: gone, reason: 'e2e: quiet night' });
    expect(await h.finished(scaleIn.runId)).toMatchObject({
      phase: 'succeeded',
      kind: 'scale-in',
      changes: { remove: 2 },
    });
    expect(Object.keys(h.dir.nodeMap())).toEqual([kept]);
    const ids = ((await call('GET', '/api/ops/cluster')).body.nodes as { id: string }[]).map((n) => n.id);
    expect(ids).toContain(kept);
    expect(ids).not.toContain(gone);

    const list = await call('GET', '/api/ops/runs');
    expect(list.body.runs.map((r: { id: string }) => r.id)).toEqual([scaleIn.runId, runId]);
  });

  it('answers bad scale-out bodies with a typed 400 and unknown runs with 404', async () => {
    expect((await call('POST', '/api/ops/scale-out', { count: 0, reason: 'x' })).status).toBe(400);
    expect((await call('POST', '/api/ops/scale-out', { count: 1 })).body.error.code).toBe('invalid-input');
    expect((await call('GET', '/api/ops/runs/run-unknown')).status).toBe(404);
    expect((await call('GET', '/api/ops/runs/..%2Fetc')).status).toBe(400);
  });
});
