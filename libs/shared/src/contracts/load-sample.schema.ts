import { z } from 'zod';
import { engineSchema, epochMsSchema, nodeIdSchema } from './common.schema.js';

const count = z.number().int().nonnegative().max(1_000_000);

/** What one poll of one node saw. Published on `ensemble.load.<engine>.<nodeId>`. */
export const loadSampleSchema = z.object({
  nodeId: nodeIdSchema,
  engine: engineSchema,
  at: epochMsSchema,
  reachable: z.boolean(),
  latencyMs: z.number().nonnegative().nullable(),
  meetings: count,
  participants: count,
  moderators: count,
  videoStreams: count,
  voiceParticipants: count,
  largestMeeting: count,
  cpu: z.number().min(0).max(1).nullable(),
  /** Why the poll failed, when it did (`timeout`, `http-500`, `bad-xml`, ...). */
  error: z.string().max(200).nullable(),
});
export type LoadSample = z.infer<typeof loadSampleSchema>;
