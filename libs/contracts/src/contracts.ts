import type { z } from 'zod';
import {
  fleetNodeEventSchema,
  fleetNodeSchema,
  listNodesSchema,
  nodeHealthEventSchema,
  nodeListSchema,
  panicNodeReplySchema,
  panicNodeSchema,
  pollTargetListSchema,
  registerNodeSchema,
  registeredNodeSchema,
  resolveRecordingTokenReplySchema,
  resolveRecordingTokenSchema,
  removeNodeReplySchema,
  removeNodeSchema,
  suspectNodeReplySchema,
  suspectNodeSchema,
  updateNodeSchema,
} from './contracts/fleet.schema.js';
import {
  nodeHoldingsRequestSchema,
  nodeHoldingsSchema,
  recordingsStoredReplySchema,
  recordingsStoredSchema,
} from './contracts/node-holdings.schema.js';
import { loadSampleSchema } from './contracts/load-sample.schema.js';
import { tenantsChangedSchema } from './contracts/tenants-changed.schema.js';
import { operatorTokenRevokedSchema } from './contracts/operator-token-revoked.schema.js';
import {
  endReplySchema,
  endRequestSchema,
  locateRequestSchema,
  locationSchema,
  placeRequestSchema,
  placementSchema,
  signReplySchema,
  signRequestSchema,
} from './contracts/placement.schema.js';
import {
  autoscaleDecisionSchema,
  getRunSchema,
  listRunsSchema,
  runEventSchema,
  runListSchema,
  runRecordSchema,
  scaleInRequestSchema,
  scaleOutReplySchema,
  scaleOutRequestSchema,
} from './contracts/provision.schema.js';
import { tenantUsageReplySchema, tenantUsageRequestSchema } from './contracts/tenant-usage.schema.js';
import { z as zod } from 'zod';
import { subjects } from './subjects.js';

export interface EventContract<S extends z.ZodType> {
  readonly kind: 'event';
  /** Subscription pattern covering every subject of this event. */
  readonly pattern: string;
  readonly schema: S;
  /** The subject is derived from the payload, so the two cannot disagree. */
  readonly subjectOf: (payload: z.output<S>) => string;
}

export interface RequestContract<Q extends z.ZodType, R extends z.ZodType> {
  readonly kind: 'request';
  readonly subject: string;
  readonly queue: string;
  readonly request: Q;
  readonly reply: R;
}

const event = <S extends z.ZodType>(
  pattern: string,
  schema: S,
  subjectOf: (p: z.output<S>) => string,
): EventContract<S> => ({ kind: 'event', pattern, schema, subjectOf });

const request = <Q extends z.ZodType, R extends z.ZodType>(
  subject: string,
  req: Q,
  reply: R,
  queue: string,
): RequestContract<Q, R> => ({ kind: 'request', subject, queue, request: req, reply });

/** The NATS contract: one entry per subject family, payloads as zod schemas. */
export const contracts = {
  loadSample: event(subjects.loadAll, loadSampleSchema, (s) => subjects.load(s.engine, s.nodeId)),
  nodeHealth: event(subjects.nodeHealthAll, nodeHealthEventSchema, (e) => subjects.nodeHealth(e.nodeId)),
  fleetNode: event(subjects.fleetNodeAll, fleetNodeEventSchema, (e) => subjects.fleetNode(e.change)),
  provisionRun: event(subjects.runAll, runEventSchema, (e) => subjects.run(e.runId)),
  place: request(subjects.place, placeRequestSchema, placementSchema, 'scheduler'),
  end: request(subjects.end, endRequestSchema, endReplySchema, 'scheduler'),
  locate: request(subjects.locate, locateRequestSchema, locationSchema, 'scheduler'),
  sign: request(subjects.sign, signRequestSchema, signReplySchema, 'scheduler'),
  registerNode: request(subjects.registerNode, registerNodeSchema, registeredNodeSchema, 'scheduler'),
  resolveRecordingToken: request(
    subjects.resolveRecordingToken,
    resolveRecordingTokenSchema,
    resolveRecordingTokenReplySchema,
    'scheduler',
  ),
  updateNode: request(subjects.updateNode, updateNodeSchema, fleetNodeSchema, 'scheduler'),
  removeNode: request(subjects.removeNode, removeNodeSchema, removeNodeReplySchema, 'scheduler'),
  listNodes: request(subjects.listNodes, listNodesSchema, nodeListSchema, 'scheduler'),
  pollTargets: request(subjects.pollTargets, zod.object({}).strict(), pollTargetListSchema, 'scheduler'),
  panicNode: request(subjects.panic, panicNodeSchema, panicNodeReplySchema, 'scheduler'),
  nodeHoldings: request(subjects.nodeHoldings, nodeHoldingsRequestSchema, nodeHoldingsSchema, 'scheduler'),
  tenantUsage: request(subjects.tenantUsage, tenantUsageRequestSchema, tenantUsageReplySchema, 'scheduler'),
  recordingsStored: request(subjects.recordingsStored, recordingsStoredSchema, recordingsStoredReplySchema, 'gateway'),
  suspectNode: request(subjects.suspectNode, suspectNodeSchema, suspectNodeReplySchema, 'scheduler'),
  scaleOut: request(subjects.scaleOut, scaleOutRequestSchema, scaleOutReplySchema, 'provisioner'),
  scaleIn: request(subjects.scaleIn, scaleInRequestSchema, scaleOutReplySchema, 'provisioner'),
  listRuns: request(subjects.listRuns, listRunsSchema, runListSchema, 'provisioner'),
  getRun: request(subjects.getRun, getRunSchema, runRecordSchema, 'provisioner'),
  autoscaleDecision: event(subjects.autoscaleDecision, autoscaleDecisionSchema, () => subjects.autoscaleDecision),
  tenantsChanged: event(subjects.tenantsChanged, tenantsChangedSchema, () => subjects.tenantsChanged),
  operatorTokenRevoked: event(
    subjects.operatorTokenRevoked,
    operatorTokenRevokedSchema,
    () => subjects.operatorTokenRevoked,
  ),
} as const;

export type Contracts = typeof contracts;
