import type { NodeHoldings, RunEvent, RunRecord } from '@ensemble/contracts';
import { RunJournal } from './run-journal.js';
import { waitUntilNodeHoldsNothing } from './scale-in-wait.js';
import { StepFailure } from './terraform-steps.js';

const id = `${'b'.repeat(40)}-1700000000000`;
const holding = (processing: string[], notStored: string[] = []): NodeHoldings => ({
  nodeId: 'bbb-1',
  meetings: 0,
  processing,
  notStored,
  error: null,
  at: 1,
});
const journal = () => new RunJournal({ id: 'run-1', phase: 'queued' } as RunRecord);

describe('a scale-in waiting until its node holds nothing', () => {
  it('says each change of what it waits for once, then goes on when the node holds nothing', async () => {
    const answers = [holding([id]), holding([id]), holding([], [id]), holding([])];
    const events: RunEvent[] = [];
    const j = journal();
    await waitUntilNodeHoldsNothing(
      'bbb-1',
      async () => answers.shift()!,
      j,
      (e) => void events.push(e),
      {
        pollMs: 1,
        timeoutMs: 60_000,
        signal: new AbortController().signal,
      },
    );
    expect(events.map((e) => e.message)).toEqual([
      `bbb-1: waiting for: 1 recording processing (${id})`,
      `bbb-1: waiting for: 1 recording not yet in storage (${id})`,
      'bbb-1 holds nothing any more',
    ]);
    expect(j.run.phase).toBe('waiting');
  });

  it('does not wait for a node that left the inventory, nor say anything', async () => {
    const events: RunEvent[] = [];
    await waitUntilNodeHoldsNothing(
      'bbb-1',
      async () => null,
      journal(),
      (e) => void events.push(e),
      {
        pollMs: 1,
        timeoutMs: 1,
        signal: new AbortController().signal,
      },
    );
    expect(events).toEqual([]);
  });

  it('fails node-not-empty at its deadline, naming what is left, and counts an unanswered question as waiting', async () => {
    const answers: Array<() => Promise<NodeHoldings>> = [
      () => Promise.reject(new Error('no responders')),
      () => Promise.resolve(holding([id])),
    ];
    const failure = await waitUntilNodeHoldsNothing(
      'bbb-1',
      () => (answers.shift() ?? (() => Promise.resolve(holding([id]))))(),
      journal(),
      () => undefined,
      { pollMs: 1, timeoutMs: 20, signal: new AbortController().signal },
    ).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StepFailure);
    expect((failure as StepFailure).failure).toEqual({
      code: 'node-not-empty',
      message: `bbb-1 still holds after 0 s: 1 recording processing (${id}); nothing destroyed`,
    });
  });

  it('ends the run at once when the question itself says so (the node was enabled again)', async () => {
    const stop = new StepFailure({ code: 'node-not-empty', message: 'bbb-1 was enabled again' });
    const failure = await waitUntilNodeHoldsNothing(
      'bbb-1',
      () => Promise.reject(stop),
      journal(),
      () => undefined,
      {
        pollMs: 1,
        timeoutMs: 60_000,
        signal: new AbortController().signal,
      },
    ).catch((e: unknown) => e);
    expect(failure).toBe(stop);
  });

  it('stops waiting with the run when it is aborted', async () => {
    const abort = new AbortController();
    abort.abort({ code: 'terraform-failed', message: 'provisioner stopped' });
    const failure = await waitUntilNodeHoldsNothing(
      'bbb-1',
      async () => holding([id]),
      journal(),
      () => undefined,
      {
        pollMs: 60_000,
        timeoutMs: 600_000,
        signal: abort.signal,
      },
    ).catch((e: unknown) => e);
    expect((failure as StepFailure).failure).toEqual({ code: 'terraform-failed', message: 'provisioner stopped' });
  });
});
