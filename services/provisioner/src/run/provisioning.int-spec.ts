import { DomainError, contracts, type RunRecord } from '@ensemble/contracts';
import { waitFor } from '@ensemble/testing';
import { Client } from 'pg';
import { ProvisionerHarness, SCW_ACCESS_KEY, SCW_SECRET_KEY } from '../provisioner-harness.test-support.js';

/** Every row of every provisioner table, as text. */
async function everyRow(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const tables = [
      'provisioning_runs',
      'provisioning_run_events',
      'autoscale_decisions',
      'autoscale_state',
      'provisioned_nodes',
    ];
    const out: string[] = [];
    for (const t of tables)
      out.push(...(await client.query(`SELECT t::text AS row FROM ${t} t`)).rows.map((r: { row: string }) => r.row));
    return out;
  } finally {
    await client.end();
  }
}

const scaleOut = (h: ProvisionerHarness, count = 2) =>
  h.bus.request(contracts.scaleOut, { count, reason: 'test' }, { timeoutMs: 5000 });

describe('provisioning runs against a stand-in terraform', () => {
  const h = new ProvisionerHarness();

  beforeAll(async () => {
    await h.start({ PROVISION_RUN_TIMEOUT_S: '120' });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('fails an apply_errored run with Terraform diagnostics, restores the node map and releases the lock', async () => {
    h.dir.scenario('apply-errored');
    const { runId } = await scaleOut(h);
    const run = await h.finished(runId);
    expect(run).toMatchObject({ phase: 'failed', failure: { code: 'apply-errored' }, registered: [] });
    expect(run.failure?.message).toContain('scaleway_baremetal_server.bbb');
    expect(run.diagnostics).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        summary: 'Error creating baremetal server',
        detail: expect.stringContaining('out of stock'),
      }),
    );
    expect(run.resources).toContainEqual(expect.objectContaining({ status: 'errored', action: 'create' }));
    expect(run.nodes).toHaveLength(2);
    expect(h.dir.nodeMap()).toEqual({});
    expect(h.dir.calls().map((c) => c.args[0])).toEqual(['init', 'plan', 'apply']);
    // The lock is free again: the next request starts a run.
    h.dir.scenario('init-fails');
    const next = await scaleOut(h, 1);
    expect((await h.finished(next.runId)).failure?.code).toBe('terraform-failed');
  });

  it('streams planned changes, resource progress and the failure as run events and into the record', async () => {
    h.dir.scenario('apply-errored');
    const { runId } = await scaleOut(h, 1);
    const run = await h.finished(runId);
    await waitFor('the failed event', () => h.events.some((e) => e.runId === runId && e.phase === 'failed'));
    const mine = h.events.filter((e) => e.runId === runId);
    const phases = [...new Set(mine.map((e) => e.phase))];
    expect(phases).toEqual(['queued', 'initializing', 'planning', 'applying', 'progress', 'failed']);
    expect(mine.some((e) => e.resource?.startsWith('scaleway_baremetal_server.bbb['))).toBe(true);
    expect(run.events.map((e) => e.message)).toEqual(mine.map((e) => e.message));
    expect(run.changes).toEqual({ add: 2, change: 0, remove: 0 });
  });

  it('reports a state-lock error as such', async () => {
    h.dir.scenario('state-lock');
    const { runId } = await scaleOut(h);
    const run = await h.finished(runId);
    expect(run.failure).toEqual({ code: 'state-lock', message: expect.stringContaining('locked') });
    expect(run.diagnostics[0]).toMatchObject({
      summary: 'Error acquiring the state lock',
      detail: expect.stringContaining('Lock Info'),
    });
  });

  it('turns garbage output lines into warnings, never a crash, and registers nothing when the scheduler is away', async () => {
    h.dir.scenario('garbage', [
      {
        api_url: 'http://127.0.0.1:9/bigbluebutton/api/',
        secret: 'node-secret-aaaa-1111',
        ipv4: '127.0.0.1',
        hostname: 'a.example',
      },
    ]);
    const { runId } = await scaleOut(h, 1);
    const run = await h.finished(runId);
    const warnings = run.diagnostics.filter((d) => d.severity === 'warning');
    expect(warnings.map((d) => d.detail)).toEqual([
      expect.stringContaining('not JSON'),
      expect.stringContaining('@message'),
    ]);
    expect(run).toMatchObject({ phase: 'failed', failure: { code: 'register-failed' }, registered: [] });
    expect(h.dir.nodeMap()).toEqual({});
    // Only the nodes' output is read: the module's other outputs (database URLs) are not ours.
    expect(h.dir.calls().map((c) => c.args)).toContainEqual(['output', '-json', 'bbb_nodes']);
    expect(JSON.stringify([h.logs, run, await everyRow(h.databaseUrl)])).not.toContain('stub-db-password');
  });

  it('hands the cloud credentials to terraform only, and never logs, events or records them', async () => {
    h.dir.scenario('leaky');
    const { runId } = await scaleOut(h, 1);
    const run: RunRecord = await h.finished(runId);
    expect(run.diagnostics[0]?.detail).toContain('[redacted]');
    const env = h.dir.calls().at(-1)!.env;
    expect(env).toEqual(expect.arrayContaining(['SCW_ACCESS_KEY', 'SCW_SECRET_KEY', 'SCW_DEFAULT_PROJECT_ID']));
    expect(env).not.toContain('NATS_URL');
    expect(env).not.toContain('REDIS_URL');
    const everything = JSON.stringify([
      h.logs,
      h.events,
      run,
      await h.bus.request(contracts.listRuns, { limit: 200 }),
      await everyRow(h.databaseUrl),
    ]);
    expect(everything).toContain(runId);
    for (const secret of [SCW_SECRET_KEY, SCW_ACCESS_KEY]) expect(everything).not.toContain(secret);
  });

  it('answers not-found for an unknown run and invalid-input for a bad count', async () => {
    await expect(h.bus.request(contracts.getRun, { runId: 'run-nope' })).rejects.toMatchObject({ code: 'not-found' });
    await expect(h.bus.request(contracts.scaleOut, { count: 0, reason: 'x' })).rejects.toMatchObject({
      code: 'invalid-input',
    });
  });
});

describe('a provisioning run that hangs', () => {
  const slow = new ProvisionerHarness();

  beforeAll(async () => {
    await slow.start({ PROVISION_RUN_TIMEOUT_S: '2' });
  });
  afterAll(async () => {
    await slow.stop();
  });

  it('stops a hanging run at the timeout (even a terraform that ignores SIGINT) and fails it', async () => {
    slow.dir.scenario('hang');
    const { runId } = await scaleOut(slow);
    // Finished at all (the stub never ends by itself), and failed with the timeout's code.
    const run = await slow.finished(runId);
    expect(run.failure).toEqual({ code: 'timeout', message: expect.stringContaining('2 s') });
    expect(slow.dir.nodeMap()).toEqual({});
  });

  it('starts one run for two concurrent requests and answers the other busy', async () => {
    slow.dir.scenario('hang');
    const results = await Promise.allSettled([scaleOut(slow), scaleOut(slow)]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const busy = results
      .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      .map((r) => r.reason as DomainError);
    expect(ok).toHaveLength(1);
    expect(busy).toHaveLength(1);
    expect(busy[0]).toMatchObject({ code: 'conflict', message: expect.stringMatching(/^busy: run run-/) });
    const runId = (ok[0] as PromiseFulfilledResult<{ runId: string }>).value.runId;
    expect(busy[0]!.message).toContain(runId);
    await slow.finished(runId);
    const { runs } = await slow.bus.request(contracts.listRuns, { limit: 50 });
    expect(runs.filter((r) => r.createdAt >= Date.now() - 60_000).length).toBeGreaterThan(0);
  });
});
