import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { contracts, type RunEvent } from '@ensemble/contracts';
import { waitFor } from '@ensemble/testing';
import type { SimNode } from '@ensemble/bbb-sim';
import { runCli } from './cli.test-support.js';
import { OPS_TOKEN } from './fleet-stack.test-support.js';
import {
  RecordingsFleet,
  UPLOADER,
  callNode,
  provisionedEarlier,
  recordMeeting,
} from './recordings-fleet.test-support.js';

const SLOW = 180_000;
/** A real node takes minutes; here long enough for a scale-in to find the recording processing. */
const PROCESSING_MS = 8_000;

/**
 * A node leaves only when it holds nothing a removal would lose (decision 105): the scale-in
 * run (the one the autoscaler starts, stand-in terraform) waits for a recording processing and
 * for one that storage was down for, then destroys the node; a removal through the ops API is
 * refused with what the node holds, and forced, records what was lost. Real scheduler, gateway,
 * provisioner (its default SCALE_IN_POLL_S of 15 s), object storage, bbb-sim nodes running the
 * real post_publish script.
 */
describe('nodes leave only once their recordings are safe', () => {
  const fleet = new RecordingsFleet();
  const { stack, h, env } = fleet;
  const sim = (id: string) => fleet.sim(id);
  const tokenOn = (id: string) => fleet.tokenOn(id);
  const indexed = (id: string) => fleet.indexed(id);
  let lecture = 0;

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
    runCli(args, { url: stack.gateway.url, token: OPS_TOKEN, operator: 'drain-test' });

  beforeAll(async () => {
    await fleet.start({ nodes: 3, processingMs: PROCESSING_MS });
    provisionedEarlier(h.dir.path, [sim('bbb-1'), sim('bbb-2')]);
  }, SLOW);

  afterAll(() => fleet.stop());

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
      await fleet.storage.process.stop();
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
        await fleet.storage.process.start();
      }
      // The node's sync timer hands over what is still pending.
      const exit = await new Promise<number | null>((resolve) => {
        const child = spawn(UPLOADER, ['--pending'], {
          env: {
            ...process.env,
            ...env,
            BBB_PUBLISHED_DIR: join(fleet.dir, 'nodes/bbb-2/var/bigbluebutton/published'),
          },
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
    'refuses to remove a node holding a meeting and a recording processing, says so in `nodes show`; a panic names the recording at risk and a forced removal records what was lost',
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

      // A panic does not wait: it ends the meeting now and names the recording at risk.
      const panicked = await ensemble(['nodes', 'panic', 'bbb-3', '--yes']);
      expect(panicked.stderr).toContain(`warning: recordings at risk on bbb-3: ${waitsFor}`);
      const [panicAudit] = (await stack.json('GET', '/api/ops/audit?action=node.panic&target=bbb-3')).events;
      expect(panicAudit.details.atRisk).toMatchObject({ processing: [id], notStored: [] });
      const left = `1 recording processing (${id})`;

      const forced = await ensemble(['nodes', 'remove', 'bbb-3', '--force']);
      expect(forced.stdout.trim()).toBe('bbb-3: removed');
      expect(forced.stderr).toContain(`warning: removed by force; lost: ${left}`);
      const audit = await stack.json('GET', '/api/ops/audit?action=node.remove&target=bbb-3');
      expect(audit.events.map((e: { outcome: string }) => e.outcome)).toEqual(['ok', 'refused']);
      expect(audit.events[0]).toMatchObject({
        actor: 'drain-test',
        details: { force: true, lost: { meetings: 0, processing: [id], notStored: [], summary: left } },
      });
    },
    SLOW,
  );
});
