import type { LoadSample } from '@ensemble/shared';

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
