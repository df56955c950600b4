import { z } from 'zod';
import {
  engineSchema,
  epochMsSchema,
  httpUrlSchema,
  nodeHealthSchema,
  nodeIdSchema,
  nodeStateSchema,
  tagSchema,
} from './common.schema.js';
import { loadSampleSchema } from './load-sample.schema.js';
import { nodeHoldingsSchema } from './node-holdings.schema.js';
import { noControlChars } from '../api/account.schema.js';

export const loadMultiplierSchema = z.number().positive().max(100);

/** A node as the world may see it: never its secret. */
export const fleetNodeSchema = z.object({
  id: nodeIdSchema,
  engine: engineSchema,
  url: httpUrlSchema,
  state: nodeStateSchema,
  health: nodeHealthSchema,
  loadMultiplier: loadMultiplierSchema,
  tags: z.array(tagSchema).max(32),
  createdAt: epochMsSchema,
  /** Jitsi: the Prometheus `instance` whose series measure this node. */
  prometheusInstance: z.string().max(256).optional(),
});
export type FleetNode = z.infer<typeof fleetNodeSchema>;

/** A node with what the scheduler knows of its load right now. */
export const fleetNodeViewSchema = fleetNodeSchema.extend({
  lastSample: loadSampleSchema.nullable(),
  /**
   * The load placement ranks the node by (the scheduler's lua/lib/load.lua, one definition,
   * docs/decisions/081): BBB, (sample load + pending load) / (loadMultiplier x (1 - headroom x
   * (loadMultiplier / largest multiplier of its engine's enabled, online nodes)^2)), in
   * participant-equivalents per unit; Jitsi, (CPU + pending participants x learned CPU per
   * participant) / loadMultiplier, a CPU share per unit (a node with unknown CPU: its pending
   * part alone, and it ranks after every node with a known CPU). The lowest takes the next room.
   */
  load: z.number().nonnegative(),
  /** Load of rooms placed and not yet seen by a poll (BBB: participant-equivalents; Jitsi: participants). */
  pendingLoad: z.number().nonnegative(),
  rooms: z.number().int().nonnegative(),
  /** The server's software version where known (BBB: `<bbbVersion>` of its API root), else null. */
  version: z.string().max(64).nullable(),
});
export type FleetNodeView = z.infer<typeof fleetNodeViewSchema>;

export const fleetChangeSchema = z.enum(['added', 'updated', 'removed']);
export type FleetChange = z.infer<typeof fleetChangeSchema>;

/** `ensemble.fleet.node.<added|updated|removed>`. */
export const fleetNodeEventSchema = z.object({
  change: fleetChangeSchema,
  node: fleetNodeSchema,
  by: z.string().max(100),
  at: epochMsSchema,
});
export type FleetNodeEvent = z.infer<typeof fleetNodeEventSchema>;

/** `ensemble.node.<nodeId>.health`: a transition, never a repeat. */
export const nodeHealthEventSchema = z.object({
  nodeId: nodeIdSchema,
  engine: engineSchema,
  health: nodeHealthSchema,
  previous: nodeHealthSchema,
  reason: z.string().max(200),
  at: epochMsSchema,
});
export type NodeHealthEvent = z.infer<typeof nodeHealthEventSchema>;

/** A node's recording upload token: what the node sends as its bearer (decision 101). */
export const recordingTokenSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{32,128}$/, 'recordingToken: 32-128 of A-Z a-z 0-9 _ -');

export const registerNodeSchema = z
  .object({
    id: nodeIdSchema.optional(),
    engine: engineSchema.default('bbb'),
    url: httpUrlSchema,
    /** BBB's shared secret; Jitsi nodes have none (their JWTs use the app secret from config). */
    secret: z.string().min(8).max(256).optional(),
    loadMultiplier: loadMultiplierSchema.default(1),
    tags: z.array(tagSchema).max(32).default([]),
    state: nodeStateSchema.default('enabled'),
    /** Registered cordoned, the node becomes enabled by itself on going online (new capacity). */
    enableWhenHealthy: z.boolean().default(false),
    /** Jitsi: the Prometheus `instance` label of the node's series (`host:port`). */
    prometheusInstance: z
      .string()
      .regex(/^[A-Za-z0-9.:[\]_-]{1,256}$/, 'prometheusInstance: host:port')
      .optional(),
    /**
     * BBB: the node's recording upload token (Terraform's `bbb_nodes` output); absent, the
     * scheduler issues one and answers it once. Only its SHA-256 is kept (decision 102).
     */
    recordingToken: recordingTokenSchema.optional(),
  })
  .refine((n) => n.engine !== 'bbb' || n.secret !== undefined, {
    message: 'a BBB node needs its secret',
    path: ['secret'],
  });
export type RegisterNode = z.infer<typeof registerNodeSchema>;

/**
 * The registration's answer: the node, and the recording token the scheduler issued for it,
 * shown this once (when the caller brought none and the node is new; never stored in clear).
 */
export const registeredNodeSchema = fleetNodeSchema.extend({ recordingToken: recordingTokenSchema.optional() });

/** Where an issued upload token goes (decision 101), said by the ops API and the CLI alike. */
export const RECORDING_TOKEN_NOTE =
  'shown once, Ensemble keeps only its hash: put it on the node in /etc/ensemble/recording-upload.conf ' +
  '(owner bigbluebutton, mode 0400) as ENSEMBLE_NODE_TOKEN=<token>, with ENSEMBLE_URL=https://<ensemble host>';
export type RegisteredNode = z.infer<typeof registeredNodeSchema>;

/**
 * `ensemble.fleet.recording-token`: which node holds the upload token of this SHA-256 (hex)?
 * The gateway hashes the bearer itself, so the token never crosses NATS. `validUntil` (epoch
 * ms): the node was removed and its token is honoured until then (decision 107).
 */
export const resolveRecordingTokenSchema = z.object({ tokenSha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict();
export const resolveRecordingTokenReplySchema = z.object({
  nodeId: nodeIdSchema.nullable(),
  validUntil: z.number().int().positive().optional(),
});

/** `ensemble.fleet.update`: admin state and weights; `by` says who (logged, evented). */
export const updateNodeSchema = z
  .object({
    id: nodeIdSchema,
    state: nodeStateSchema.optional(),
    loadMultiplier: loadMultiplierSchema.optional(),
    tags: z.array(tagSchema).max(32).optional(),
    by: z.string().min(1).max(100).default('ops'),
  })
  .refine((u) => u.state !== undefined || u.loadMultiplier !== undefined || u.tags !== undefined, {
    message: 'nothing to update: give state, loadMultiplier or tags',
  });
export type UpdateNode = z.infer<typeof updateNodeSchema>;

/**
 * `ensemble.fleet.remove`: forget a node; its rooms move on their next placement. Refused
 * (`conflict`, naming what it holds) while the node holds meetings or recordings not in
 * storage, unless `force` (decision 105): then the reply says what was given up. A node that
 * cannot be asked is removed (logged).
 */
export const removeNodeSchema = z.object({
  id: nodeIdSchema,
  by: z.string().min(1).max(100).default('ops'),
  force: z.boolean().default(false),
});
export const removeNodeReplySchema = z.object({
  removed: z.boolean(),
  /** Forced: what the node held and was given up (absent when it held nothing or could not be asked). */
  lost: nodeHoldingsSchema.optional(),
});

/**
 * `ensemble.fleet.panic`: disable a node now, end its meetings on it and release
 * their rooms, so that each re-creates elsewhere on its next join.
 */
export const panicNodeSchema = z.object({ id: nodeIdSchema, by: z.string().min(1).max(100).default('ops') });
export const panicNodeReplySchema = z.object({
  node: fleetNodeSchema,
  /** Meetings the node reported and we ended / failed to end (unreachable node: both 0, `error` set). */
  ended: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Room assignments released (they re-create elsewhere on their next join). */
  released: z.number().int().nonnegative(),
  error: z.string().max(200).nullable(),
  /** What the node held when panicked (recordings at risk), null when it could not be asked. */
  atRisk: nodeHoldingsSchema.nullable().default(null),
});
export type PanicNodeReply = z.infer<typeof panicNodeReplySchema>;

export const listNodesSchema = z.object({ engine: engineSchema.optional() }).strict();
export const nodeListSchema = z.object({ nodes: z.array(fleetNodeViewSchema) });

/**
 * What a load-collector needs to poll a node. Node secrets never leave the
 * scheduler: it hands out a pre-signed `getMeetings` URL instead.
 */
export const pollTargetSchema = z.object({
  nodeId: nodeIdSchema,
  engine: engineSchema,
  url: httpUrlSchema,
  health: nodeHealthSchema,
  pollUrl: z.string().max(4096),
});
export type PollTarget = z.infer<typeof pollTargetSchema>;
export const pollTargetListSchema = z.object({ targets: z.array(pollTargetSchema) });

/**
 * `ensemble.scheduler.node.suspect`: a caller's call to a BBB node gave no usable
 * answer (refused connection, timeout, garbage; never a FAILED answer, which is the
 * caller's business). The scheduler probes the node itself and, when the probe
 * fails too, marks an online node `suspect` (docs/decisions/083). The reply is the
 * node's health afterwards: anything but `online` means its rooms move at their
 * next placement.
 */
export const suspectNodeSchema = z.object({
  nodeId: nodeIdSchema,
  /** What failed, for logs and the health event (e.g. `create: timeout`). */
  reason: z.string().min(1).max(120).refine(noControlChars, 'reason: no control characters'),
  by: z.string().min(1).max(100).default('gateway'),
});
export type SuspectNode = z.infer<typeof suspectNodeSchema>;
export const suspectNodeReplySchema = z.object({ health: nodeHealthSchema });
