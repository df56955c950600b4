import { z } from 'zod';
import {
  engineSchema,
  nodeHealthSchema,
  nodeIdSchema,
  nodeStateSchema,
  roomKeySchema,
  tagSchema,
  tenantNameSchema,
} from './common.schema.js';

/**
 * A BBB API call to be signed with the node's secret by the scheduler (the only
 * holder of node secrets): the call name and its query string, without checksum.
 * The answer is the full URL on the node, checksum appended.
 */
export const callToSignSchema = z.object({
  call: z.string().regex(/^[a-zA-Z]{1,40}$/, 'call: a BBB API call name'),
  query: z.string().max(64 * 1024),
});
export type CallToSign = z.infer<typeof callToSignSchema>;
const signListSchema = z.array(callToSignSchema).max(4).default([]);

/**
 * The placement rules and quotas of the tenant a room belongs to (decision 112), sent with
 * every placement of its rooms by the gateway, which holds the tenant directory. Absent: the
 * room's tenant is the one its room key names (`tenantOfRoomKey`), else `default`, with no
 * rule and no quota.
 */
export const placementTenantSchema = z
  .object({
    name: tenantNameSchema,
    /** Tags every node of the tenant's rooms must carry, added to the request's (its own nodes, or a shared pool). */
    requiredTags: z.array(tagSchema).max(16).optional(),
    /** Multiplies the load its rooms are expected to bring (pending load, a big room's own load); 1 when absent. */
    loadWeight: z.number().min(0.1).max(10).optional(),
    /** Concurrent meetings: a new room beyond it is refused (`quota-meetings`); a running one never. */
    maxMeetings: z.number().int().min(0).max(1_000_000).optional(),
    /** Concurrent participants: a join beyond it is refused (`quota-participants`); nobody is ever removed. */
    maxParticipants: z.number().int().min(0).max(100_000_000).optional(),
  })
  .strict();
export type PlacementTenant = z.infer<typeof placementTenantSchema>;

/** `ensemble.scheduler.place` (queue group `scheduler`). */
export const placeRequestSchema = z.object({
  roomKey: roomKeySchema,
  engine: engineSchema.default('bbb'),
  /** Expected participants; the load a room adds until polls see it. */
  expectedSize: z.number().int().min(1).max(100_000).optional(),
  tags: z.array(tagSchema).max(16).default([]),
  /** Calls to sign on the chosen node (e.g. create + join), answered in `signed`. */
  sign: signListSchema,
  /** True when a participant joins: counted as load until polls see the room. */
  join: z.boolean().default(false),
  /**
   * Only where it is: answer the room's node while that node serves it (a join's
   * common case, one round trip), else `not-found` and change nothing; never place
   * or move it (the caller decides, e.g. re-creating it from known parameters).
   */
  stickyOnly: z.boolean().default(false),
  /** The room's tenant, its placement rules and quotas (see `placementTenantSchema`). */
  tenant: placementTenantSchema.optional(),
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
  /** Signed URLs for the requested calls, in request order. */
  signed: z.array(z.string()),
});
export type Placement = z.infer<typeof placementSchema>;

/** `ensemble.scheduler.locate`: where a room is now, without placing it. `not-found` if nowhere. */
export const locateRequestSchema = z.object({ roomKey: roomKeySchema, sign: signListSchema });
export const locationSchema = z.object({
  roomKey: roomKeySchema,
  nodeId: nodeIdSchema,
  engine: engineSchema,
  url: z.string(),
  state: nodeStateSchema,
  health: nodeHealthSchema,
  signed: z.array(z.string()),
});
export type Location = z.infer<typeof locationSchema>;

/** `ensemble.fleet.sign`: sign calls for a known node (fan-outs, recordings). */
export const signRequestSchema = z.object({ nodeId: nodeIdSchema, sign: z.array(callToSignSchema).min(1).max(16) });
export const signReplySchema = z.object({ signed: z.array(z.string()) });

/** `ensemble.scheduler.end`. */
export const endRequestSchema = z.object({ roomKey: roomKeySchema });
export const endReplySchema = z.object({ released: z.boolean(), nodeId: nodeIdSchema.nullable() });
