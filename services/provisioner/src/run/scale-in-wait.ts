import { describeHoldings, holdsNothing, type NodeHoldings, type RunEvent } from '@ensemble/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunJournal } from './run-journal.js';
import { StepFailure } from './terraform-steps.js';

export interface ScaleInWaitOptions {
  /** Between two questions to the node and the index. */
  pollMs: number;
  /** Still holding after this long: the run fails and nothing is destroyed. */
  timeoutMs: number;
  signal: AbortSignal;
}

/**
 * A scale-in destroys its node only once it holds nothing (decision 105): no meetings, no
 * recording processing, every published one in storage. Asks every `pollMs`; each change of
 * what it waits for is one `waiting` event ("waiting for: 1 recording processing (id)"). `ask`
 * answers null when the node left the inventory (nothing left to ask); a failed question counts
 * as still waiting, a StepFailure from it ends the run. Throws StepFailure `node-not-empty` at
 * the deadline, or the abort's failure.
 */
export async function waitUntilNodeHoldsNothing(
  nodeId: string,
  ask: () => Promise<NodeHoldings | null>,
  journal: RunJournal,
  emit: (e: RunEvent) => void,
  opts: ScaleInWaitOptions,
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let said = '';
  let phaseSet = false;
  for (;;) {
    const held = await ask().then(
      (h) => (h === null ? 'nothing' : holdsNothing(h) ? 'nothing' : describeHoldings(h)),
      (e: unknown) => {
        if (e instanceof StepFailure) throw e; // `ask` ends the wait itself (the node was enabled again)
        return `an answer (${e instanceof Error ? e.message.slice(0, 120) : 'no answer'})`;
      },
    );
    if (held === 'nothing') {
      if (phaseSet) emit(journal.event('waiting', `${nodeId} holds nothing any more`));
      return;
    }
    if (held !== said) {
      const message = `${nodeId}: waiting for: ${held}`;
      emit(phaseSet ? journal.event('waiting', message) : journal.setPhase('waiting', message));
      phaseSet = true;
      said = held;
    }
    if (Date.now() >= deadline)
      throw new StepFailure({
        code: 'node-not-empty',
        message: `${nodeId} still holds after ${Math.round(opts.timeoutMs / 1000)} s: ${held}; nothing destroyed`,
      });
    await sleep(Math.min(opts.pollMs, Math.max(0, deadline - Date.now())), undefined, {
      signal: opts.signal,
    }).catch(() => {
      throw new StepFailure(
        (opts.signal.reason as { code?: string } | undefined)?.code
          ? (opts.signal.reason as StepFailure['failure'])
          : { code: 'terraform-failed', message: 'run stopped while waiting' },
      );
    });
  }
}
