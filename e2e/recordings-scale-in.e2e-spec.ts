import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { contracts, type RunEvent } from '@ensemble/contracts';
import { startObjectStorage, waitFor, type ObjectStorageServer } from '@ensemble/testing';
import type { SimNode } from '@ensemble/bbb-sim';
import { ProvisionerHarness } from '../services/provisioner/src/provisioner-harness.test-support.js';
import { FleetStack, OPS_TOKEN } from './fleet-stack.test-support.js';
import {
  UPLOADER,
  POST_PUBLISH,
  callNode,
  recordMeeting,
  uploaderEnv,
  gatewayStorageEnv,
} from './recordings.test-support.js';

const SLOW = 180_000;
/** A real node takes minutes; here long enough for a scale-in to find the recording processing. */
const PROCESSING_MS = 8_000;
const run = promisify(execFile);

/**
 * A node leaves only when it holds nothing a removal would lose (decision 105): the scale-in
 * run (the one the autoscaler starts, stand-in terraform) waits for a recording processing and
 * for one that storage was down for, then destroys the node; a removal through the ops API is
 * refused with what the node holds, and forced, records what was lost. Real scheduler, gateway,
 * provisioner (its default SCALE_IN_POLL_S of 15 s), object storage, bbb-sim nodes running the
 * real post_publish script.
 */
describe('nodes leave only once their recordings are safe', () => {
  const stack = new FleetStack();
  const h = new ProvisionerHarness();
  let storage: ObjectStorageServer;
  const dir = mkdtempSync(join(tmpdir(), 'ensemble-drain-e2e-'));
  const env = uploaderEnv(dir);
  const conf = env.ENSEMBLE_RECORDING_CONF;
  let lecture = 0;

  const sim = (id: string) => stack.sim.node(id)!;
  /** The node's upload token, as an operator puts it on the node (here: the one conf every sim node reads). */
  const tokenOn = (id: string) =>
    writeFileSync(conf, `ENSEMBLE_URL=${stack.gateway.url}\nENSEMBLE_NODE_TOKEN=${stack.recordingTokens.get(id)}\n`, {
      mode: 0o600,
    });
  const indexed = async (id: string) => {
    const c = new Client({ connectionString: stack.postgres.url });
    await c.connect();
    try {
      return (await c.query('SELECT state FROM recordings WHERE record_id = $1', [id])).rows;
    } finally {
      await c.end();
    }
  };
  /** A recorded meeting on the node, ended; with `keepRunning` another meeting runs on. Answers its record id. */
  async function record(n: SimNode, keepRunning = false): Promise<string> {
    const meetingID = `lecture-${++lecture}`;
    if (keepRunning) await callNode(n, 'create', { meetingID: `${meetingID}-live`, name: 'Live' });
    return recordMeeting(n, meetingID);
  }
  const cordon = (id: string) => stack.json('PATCH', `/api/ops/nodes/${id}`, { state: 'cordoned' });
  const scaleIn = async (nodeId: string) =>
    (await h.bus.request(contracts.scaleIn, { nodeId, reason: 'fleet is cold', by: 'autoscaler' })).runId;
  const eventsOf = (runId: string): RunEvent[] => h.events.filter((e) => e.runId === runId);
  const ensemble = (args: string[]) =>
    run(process.execPath, ['cli/dist/main.js', ...args], {
      env: { ...process.env, ENSEMBLE_URL: stack.gateway.url, OPS_TOKEN, ENSEMBLE_OPERATOR: 'drain-test' },
    }).catch((e: { stdout: string; stderr: string; code: number }) => e);

  beforeAll(async () => {
    storage = await startObjectStorage();
    const bucket = await storage.createBucket();
    await stack.start({
      nodes: 3,
      sim: {
        recordings: {
          dataDir: join(dir, 'nodes'),
          processingMs: PROCESSING_MS,
          postPublishDir: POST_PUBLISH,
          postPublishEnv: env,
        },
      },
      gateway: gatewayStorageEnv(storage, bucket),
    });
    await h.start({}, { nats: stack.nats, redis: stack.redis, postgres: stack.postgres });
    // bbb-1 and bbb-2 as a past scale-out left them: in the node map and in Terraform's state.
    const nodes = ['bbb-1', 'bbb-2'];
    writeFileSync(
      join(h.dir.path, 'nodes.auto.tfvars.json'),
      JSON.stringify({ nodes: Object.fromEntries(nodes.map((n) => [n, { offer: 'DEV1-S', zone: 'fr-par-1' }])) }),
    );
    writeFileSync(
      join(h.dir.path, 'stub.tfstate.json'),
      JSON.stringify({
        nodes: Object.fromEntries(
          nodes.map((n) => [
            n,
            { api_url: sim(n).apiUrl, secret: sim(n).secret, ipv4: '127.0.0.1', hostname: `${n}.example.org` },
          ]),
        ),
      }),
    );
    h.dir.scenario('success');
  }, SLOW);

  afterAll(async () => {
    await h.stop({ keepServers: true });
    await stack.stop();
    await storage?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'scales in a node with a recording still processing only after the recording is in storage',
    async () => {
      tokenOn('bbb-1');
      const id = await record(sim('bbb-1'));
      await cordon('bbb-1');
      const runId = await scaleIn('bbb-1');

      const waiting = await waitFor('the run waiting for the recording', () =>
        eventsOf(runId).find((e) => e.phase === 'waiting'),
      );
      expect(waiting.message).toBe(`bbb-1: waiting for: 1 recording processing (${id})`);

      const done = await h.finished(runId, 90_000);
      expect(done).toMatchObject({ kind: 'scale-in', phase: 'succeeded', nodes: ['bbb-1'] });
      // Destroyed after the transfer, never before it.
      expect(await indexed(id)).toEqual([{ state: 'published' }]);
      const phases = eventsOf(runId).map((e) => e.phase);
      expect(phases.indexOf('waiting')).toBeLessThan(phases.indexOf('applying'));
      expect(eventsOf(runId).map((e) => e.message)).toContain('bbb-1 holds nothing any more');
      expect((await stack.ops('GET', '/api/ops/nodes/bbb-1')).status).toBe(404);
    },
    SLOW,
  );

  it(
    'keeps a scale-in waiting while storage is down, and completes it once the node hands the recording over',
    async () => {
      tokenOn('bbb-2');
      const n = sim('bbb-2');
      await storage.process.stop();
      let id: string;
      let runId: string;
      try {
        id = await record(n);
        await waitFor('the upload given up for now', () => n.postPublishRuns().some((r) => r.recordID === id), {
          timeoutMs: 60_000,
        });
        expect(n.postPublishRuns().find((r) => r.recordID === id)!.exitCode).toBe(1);
        await cordon('bbb-2');
        runId = await scaleIn('bbb-2');
        const waiting = await waitFor('the run waiting for storage', () =>
          eventsOf(runId).find((e) => e.phase === 'waiting'),
        );
        expect(waiting.message).toBe(`bbb-2: waiting for: 1 recording not yet in storage (${id})`);
        expect(await indexed(id)).toEqual([]);
      } finally {
        await storage.process.start();
      }
      // The node's sync timer hands over what is still pending.
      const exit = await new Promise<number | null>((resolve) => {
        const child = spawn(UPLOADER, ['--pending'], {
          env: { ...process.env, ...env, BBB_PUBLISHED_DIR: join(dir, 'nodes/bbb-2/var/bigbluebutton/published') },
          stdio: 'ignore',
        });
        child.once('close', resolve);
      });
      expect(exit).toBe(0);
      expect(await h.finished(runId, 90_000)).toMatchObject({ phase: 'succeeded', nodes: ['bbb-2'] });
      expect(await indexed(id)).toEqual([{ state: 'published' }]);
      expect(eventsOf(runId).filter((e) => e.phase === 'failed')).toEqual([]);
    },
    SLOW,
  );

  it(
    'refuses to remove a node holding a meeting and a recording processing, says so in `nodes show`, and a forced removal records what was lost',
    async () => {
      const n = sim('bbb-3');
      const id = await record(n, true);
      const waitsFor = `1 meeting, 1 recording processing (${id})`;

      const shown = await ensemble(['nodes', 'show', 'bbb-3']);
      expect(shown.stdout).toMatch(new RegExp(`removal waits for\\s+${waitsFor.replace(/[()]/g, '\\$&')}`));

      const refused = await stack.ops('DELETE', '/api/ops/nodes/bbb-3');
      expect(refused.status).toBe(409);
      expect(await refused.json()).toEqual({
        error: {
          code: 'conflict',
          message: `node bbb-3 still holds: ${waitsFor}; wait, or remove with force to lose it`,
        },
      });
      expect((await stack.ops('GET', '/api/ops/nodes/bbb-3')).status).toBe(200);

      const forced = await ensemble(['nodes', 'remove', 'bbb-3', '--force']);
      expect(forced.stdout.trim()).toBe('bbb-3: removed');
      expect(forced.stderr).toContain(`warning: removed by force; lost: ${waitsFor}`);
      const audit = await stack.json('GET', '/api/ops/audit?action=node.remove&target=bbb-3');
      expect(audit.events.map((e: { outcome: string }) => e.outcome)).toEqual(['ok', 'refused']);
      expect(audit.events[0]).toMatchObject({
        actor: 'drain-test',
        details: { force: true, lost: { meetings: 1, processing: [id], notStored: [], summary: waitsFor } },
      });
    },
    SLOW,
  );
});
