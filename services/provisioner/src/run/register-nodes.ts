import { contracts, type RunEvent, type RunRecord } from '@ensemble/contracts';
import { type NatsBus } from '@ensemble/shared';
import type { BbbNodeOutput } from '../terraform/terraform-ui.schema.js';
import type { RunJournal } from './run-journal.js';
import { StepFailure } from './terraform-steps.js';

/** `https://host/bigbluebutton/api/` -> `https://host/bigbluebutton/` (what the scheduler stores). */
export const baseUrlOf = (apiUrl: string) => apiUrl.replace(/api\/?$/, '');

/**
 * Registers every node the run added, cordoned and enabled by the scheduler after its
 * first healthy polls. All or nothing: every output is checked before the first
 * registration, and a failed registration removes the ones already made.
 */
export async function registerNewNodes(
  bus: NatsBus,
  run: RunRecord,
  outputs: Record<string, BbbNodeOutput>,
  emit: (e: RunEvent) => void,
  journal: RunJournal,
): Promise<string[]> {
  const missing = run.nodes.filter((n) => !outputs[n]);
  if (missing.length > 0)
    throw new StepFailure({ code: 'bad-output', message: `bbb_nodes lacks ${missing.join(', ')}` });
  const registered: string[] = [];
  try {
    for (const name of run.nodes) {
      const out = outputs[name]!;
      await bus.request(contracts.registerNode, {
        id: name,
        engine: 'bbb',
        url: baseUrlOf(out.api_url),
        secret: out.secret,
        state: 'cordoned',
        enableWhenHealthy: true,
        tags: ['provisioned'],
        // Terraform's token, kept by the scheduler as a hash; without one the scheduler issues
        // one nobody sees (the node cannot upload then): re-apply the module to give it one.
        ...(out.recording_token ? { recordingToken: out.recording_token } : {}),
      });
      registered.push(name);
      emit(journal.event('registering', `${name} registered cordoned; enabled after its first healthy polls`));
    }
    return registered;
  } catch (e) {
    for (const name of registered) {
      await bus.request(contracts.removeNode, { id: name, by: 'provisioner', force: true }).catch(() => undefined);
    }
    const why = e instanceof Error ? e.message : 'unknown error';
    throw new StepFailure({
      code: 'register-failed',
      message: `registering ${run.nodes.join(', ')} failed: ${why}`.slice(0, 500),
    });
  }
}
