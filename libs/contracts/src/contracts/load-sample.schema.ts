import { z } from 'zod';
import { engineSchema, epochMsSchema, nodeIdSchema } from './common.schema.js';

const count = z.number().int().nonnegative().max(1_000_000);
/** BBB's own bound on a meetingID. */
export const MAX_MEETING_ID = 256;
/** More meetings than this on one node: the list is left out of the sample (NATS payloads stay small). */
export const MAX_LISTED_MEETINGS = 2000;
/**
 * A list longer than this, in UTF-8 bytes of its IDs plus 32 per entry, is left out too:
 * the whole sample must stay under the bus's 256 KiB payload limit, or it would be dropped.
 */
export const MAX_LISTED_MEETING_BYTES = 128 * 1024;

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
  /**
   * BBB only: every meeting the node listed, with its participants; absent when the
   * list could not be read whole. The scheduler releases rooms whose meeting is
   * gone and remembers their size (docs/decisions/053).
   */
  runningMeetings: z
    .array(z.object({ meetingID: z.string().min(1).max(MAX_MEETING_ID), participants: count }))
    .max(MAX_LISTED_MEETINGS)
    .optional(),
});
export type LoadSample = z.infer<typeof loadSampleSchema>;
