import { z } from 'zod';
import { engineSchema, nodeIdSchema, roomKeySchema, tagSchema } from './common.schema.js';

/** `ensemble.scheduler.place` (queue group `scheduler`). */
export const placeRequestSchema = z.object({
  roomKey: roomKeySchema,
  engine: engineSchema.default('bbb'),
  /** Expected participants; the load a room adds until polls see it. */
  expectedSize: z.number().int().min(1).max(100_000).optional(),
  tags: z.array(tagSchema).max(16).default([]),
});
export type PlaceRequest = z.infer<typeof placeRequestSchema>;

export const placementSchema = z.object({
  roomKey: roomKeySchema,
  nodeId: nodeIdSchema,
  engine: engineSchema,
  /** The node's base URL (e.g. `https://bbb1.example.org/bigbluebutton/`). */
  url: z.string(),
  /** `existing`: sticky hit; `new`: first placement; `moved`: its node went away. */
  outcome: z.enum(['existing', 'new', 'moved']),
  previousNodeId: nodeIdSchema.nullable(),
});
export type Placement = z.infer<typeof placementSchema>;

/** `ensemble.scheduler.end`. */
export const endRequestSchema = z.object({ roomKey: roomKeySchema });
export const endReplySchema = z.object({ released: z.boolean(), nodeId: nodeIdSchema.nullable() });
