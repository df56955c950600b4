import { contracts, type AutoscaleDecision } from '@ensemble/contracts';
import { Client } from 'pg';
import { waitFor } from '@ensemble/testing';
import { RecordingsFleet, provisionedEarlier, recordMeeting } from './recordings-fleet.test-support.js';

const SLOW = 180_000;
/** Long enough for the autoscaler to drain the node (two windows and a poll) while it processes. */
const PROCESSING_MS = 20_000;
const STEP = { timeoutMs: 90_000, intervalMs: 100 };

/**
 * The autoscaler drains a provisioned node whose last meeting's recording is still processing:
 * cordon, disabled when empty, a scale-in run that waits (phase `waiting`) until the recording
 * is published and handed over by the real post_publish script, then destroys the node
 * (decision 105). The policy's interval and window are shortened as in `autoscale.e2e-spec.ts`;
 * the run's poll is its default (15 s).
 */
describe('autoscale scale-in of a node with a recording still processing', () => {
  const fleet = new RecordingsFleet();
  const { stack, h } = fleet;
  const decisions: AutoscaleDecision[] = [];

  beforeAll(async () => {
    await fleet.start({
      nodes: 2,
      processingMs: PROCESSING_MS,
      provisioner: {
        AUTOSCALE_ENABLED: 'true',
        AUTOSCALE_INTERVAL_S: '0.3',
        AUTOSCALE_WINDOW_S: '1',
        AUTOSCALE_NODE_CAPACITY: '10',
        AUTOSCALE_MAX_FLEET: '3',
      },
    });
    fleet.tokenOn('bbb-2');
    h.bus.subscribe(contracts.autoscaleDecision, (d) => void decisions.push(d));
  }, SLOW);

  afterAll(() => fleet.stop());

  it(
    'waits for the recording, then completes after its transfer',
    async () => {
      const n = stack.sim.node('bbb-2')!;
      const id = await recordMeeting(n, 'last-lecture');
      // bbb-2 is the autoscaler's (a past scale-out); bbb-1 is ours and stays.
      provisionedEarlier(h.dir.path, [n]);
      const db = new Client({ connectionString: h.databaseUrl });
      await db.connect();
      await db.query(
        "INSERT INTO provisioned_nodes (name, hostname, ipv4, run_id, at) VALUES ('bbb-2', 'bbb-2.example.org', '127.0.0.1', 'run-earlier', $1)",
        [Date.now()],
      );
      await db.end();

      const scaleIn = await waitFor(
        'a scale-in of bbb-2',
        () => decisions.find((d) => d.nodeId === 'bbb-2' && d.action === 'scale-in'),
        STEP,
      );
      const waiting = await waitFor(
        'its run waiting',
        () => h.events.find((e) => e.runId === scaleIn.runId && e.phase === 'waiting'),
        STEP,
      );
      expect(waiting.message).toBe(`bbb-2: waiting for: 1 recording processing (${id})`);
      expect(n.recordingList().find((r) => r.recordID === id)?.state).toBe('processing');

      await waitFor('bbb-2 removed', () => decisions.some((d) => d.nodeId === 'bbb-2' && d.action === 'removed'), STEP);
      expect(await h.finished(scaleIn.runId!)).toMatchObject({ kind: 'scale-in', phase: 'succeeded' });
      expect(n.postPublishRuns().find((r) => r.recordID === id)?.exitCode).toBe(0);
      expect(await fleet.indexed(id)).toEqual([{ state: 'published' }]);
      expect(Object.keys(h.dir.nodeMap())).toEqual([]);
      expect(decisions.filter((d) => d.nodeId === 'bbb-2').map((d) => d.action)).toEqual([
        'cordon',
        'scale-in',
        'removed',
      ]);
    },
    SLOW,
  );
});
