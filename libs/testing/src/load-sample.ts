import { contracts, type LoadSample } from '@ensemble/contracts';
import { type NatsBus } from '@ensemble/shared';

/** A load sample of an idle, reachable node, as the load-collector would publish it; override what matters. */
export const loadSample = (nodeId: string, over: Partial<LoadSample> = {}): LoadSample => ({
  nodeId,
  engine: 'bbb',
  at: Date.now(),
  reachable: true,
  latencyMs: 1,
  meetings: 0,
  participants: 0,
  moderators: 0,
  videoStreams: 0,
  voiceParticipants: 0,
  largestMeeting: 0,
  cpu: null,
  error: null,
  ...over,
});

/** Publishes a load sample as the collector would and waits until the scheduler has applied it. */
export async function applySample(bus: NatsBus, nodeId: string, over: Partial<LoadSample> = {}): Promise<void> {
  const s = loadSample(nodeId, over);
  bus.publish(contracts.loadSample, s);
  for (let i = 0; i < 200; i++) {
    const { nodes } = await bus.request(contracts.listNodes, {});
    if (nodes.find((n) => n.id === nodeId)?.lastSample?.at === s.at) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`sample for ${nodeId} never applied`);
}
