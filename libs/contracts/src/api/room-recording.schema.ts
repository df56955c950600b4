import { z } from 'zod';
import { epochMsSchema } from '../contracts/common.schema.js';

/** The states a room's owner sees: a deleted recording is gone for them. */
export const roomRecordingStateSchema = z.enum(['published', 'unpublished']);
export type RoomRecordingState = z.infer<typeof roomRecordingStateSchema>;

/** One format of a room's recording (`presentation`, `video`, …). */
export const roomRecordingFormatSchema = z.object({
  format: z.string(),
  /**
   * The playback path on Ensemble's host (the format's BBB link path, e.g.
   * `/playback/presentation/2.3/<recordId>`); null while unpublished: nothing plays then.
   */
  playbackPath: z.string().nullable(),
  sizeBytes: z.number().int().nonnegative(),
  lengthMs: z.number().int().nonnegative(),
});
export type RoomRecordingFormat = z.infer<typeof roomRecordingFormatSchema>;

/** A row of `GET /api/rooms/:id/recordings`. */
export const roomRecordingSchema = z.object({
  recordId: z.string(),
  name: z.string(),
  state: roomRecordingStateSchema,
  startTime: epochMsSchema,
  endTime: epochMsSchema,
  /** The longest format's length (BBB's playback duration), else end - start. */
  lengthMs: z.number().int().nonnegative(),
  participants: z.number().int().nonnegative(),
  sizeBytes: z.number().int().nonnegative(),
  formats: z.array(roomRecordingFormatSchema),
});
export type RoomRecording = z.infer<typeof roomRecordingSchema>;

export const ROOM_RECORDINGS_MAX_LIMIT = 100;

/** `GET /api/rooms/:id/recordings?offset=&limit=`: newest first. */
export const roomRecordingsQuerySchema = z
  .object({
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    limit: z.coerce.number().int().min(1).max(ROOM_RECORDINGS_MAX_LIMIT).default(20),
  })
  .strict();
export type RoomRecordingsQuery = z.infer<typeof roomRecordingsQuerySchema>;

/** Its answer: a page and the number of the room's recordings. */
export const roomRecordingPageSchema = z.object({
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  recordings: z.array(roomRecordingSchema),
});
export type RoomRecordingPage = z.infer<typeof roomRecordingPageSchema>;
