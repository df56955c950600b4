import { z } from 'zod';
import { epochMsSchema, nodeIdSchema } from './common.schema.js';

/** `ensemble.provision.scaleout`. Answers `{ runId }`, or a `conflict` error whose message starts with `busy`. */
export const scaleOutRequestSchema = z.object({
  count: z.number().int().min(1).max(20),
  offer: z
    .string()
    .regex(/^[A-Z0-9-]{2,32}$/)
    .default('GP-BM1-M'),
  zone: z
    .string()
    .regex(/^[a-z]{2}-[a-z]{3}-\d$/)
    .default('fr-par-2'),
  reason: z.string().min(1).max(200),
  /** Who asked (the operator, `autoscaler`); kept with the run. */
  by: z.string().min(1).max(100).default('ops'),
});
export type ScaleOutRequest = z.infer<typeof scaleOutRequestSchema>;
export const scaleOutReplySchema = z.object({ runId: z.string() });

/** `ensemble.provision.scalein`: a run that removes one provisioned node from the node map. */
export const scaleInRequestSchema = z.object({
  nodeId: nodeIdSchema,
  reason: z.string().min(1).max(200),
  by: z.string().min(1).max(100).default('ops'),
});
export type ScaleInRequest = z.infer<typeof scaleInRequestSchema>;

/** Message prefix of the `conflict` error answered while another run holds the lock. */
export const BUSY_PREFIX = 'busy';

export const runIdSchema = z.string().regex(/^[a-z0-9-]{1,64}$/);

export const runPhaseSchema = z.enum([
  'queued',
  'planning',
  'applying',
  'progress',
  'succeeded',
  'failed',
  'initializing',
  'registering',
  /** Scale-in: the node still holds meetings or recordings (decision 105). */
  'waiting',
]);
export type RunPhase = z.infer<typeof runPhaseSchema>;

/** Terraform diagnostic as carried by a run (summary + detail, never a secret). */
export const runDiagnosticSchema = z.object({
  severity: z.enum(['error', 'warning']),
  summary: z.string().max(500),
  detail: z.string().max(4000),
  address: z.string().max(300).optional(),
});
export type RunDiagnostic = z.infer<typeof runDiagnosticSchema>;

/** `ensemble.provision.run.<runId>`. */
export const runEventSchema = z.object({
  runId: runIdSchema,
  phase: runPhaseSchema,
  message: z.string().max(500),
  at: epochMsSchema,
  /** Terraform resource address the event is about, when there is one. */
  resource: z.string().max(300).optional(),
  diagnostic: runDiagnosticSchema.optional(),
});
export type RunEvent = z.infer<typeof runEventSchema>;

export const runResourceSchema = z.object({
  address: z.string().max(300),
  action: z.string().max(40),
  status: z.enum(['planned', 'applying', 'complete', 'errored']),
  elapsedSeconds: z.number().nonnegative().optional(),
});
export type RunResource = z.infer<typeof runResourceSchema>;

/** Why a run failed, machine-readable. */
export const runFailureSchema = z.object({
  code: z.enum([
    'apply-errored',
    'state-lock',
    'timeout',
    'terraform-failed',
    'bad-output',
    'register-failed',
    'lost-lock',
    /** Its provisioner stopped (or lost PostgreSQL) and its lease ran out before it ended. */
    'interrupted',
    /** Scale-in: the node still held meetings or recordings not in storage at the wait's deadline (decision 105). */
    'node-not-empty',
  ]),
  message: z.string().max(500),
});
export type RunFailure = z.infer<typeof runFailureSchema>;

/** A run as stored by the provisioner and shown by `GET /api/ops/runs/:id`. */
export const runRecordSchema = z.object({
  id: runIdSchema,
  kind: z.enum(['scale-out', 'scale-in']),
  phase: runPhaseSchema,
  reason: z.string().max(200),
  /** Who asked for it: an operator's name, `ops`, or `autoscaler`. */
  requestedBy: z.string().max(100).default('ops'),
  /** Node names the run adds (scale-out) or removes (scale-in). */
  nodes: z.array(nodeIdSchema),
  offer: z.string().max(32).nullable(),
  zone: z.string().max(32).nullable(),
  changes: z.object({ add: z.number().int(), change: z.number().int(), remove: z.number().int() }).nullable(),
  resources: z.array(runResourceSchema),
  diagnostics: z.array(runDiagnosticSchema),
  events: z.array(runEventSchema),
  registered: z.array(nodeIdSchema),
  failure: runFailureSchema.nullable(),
  fence: z.number().int().nonnegative(),
  createdAt: epochMsSchema,
  finishedAt: epochMsSchema.nullable(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

/** `ensemble.provision.runs.list`: newest first, without the event log. */
export const listRunsSchema = z.object({ limit: z.number().int().min(1).max(200).default(50) }).strict();
export const runSummarySchema = runRecordSchema.omit({ events: true, resources: true });

/** `ensemble.provision.runs.get`: one run with its events; `not-found` otherwise. */
export const getRunSchema = z.object({ runId: runIdSchema }).strict();

/**
 * What the autoscaler decided. Taken: `scale-out`, `cordon` (a drain starts), `uncordon`
 * (the fleet warmed up while a node drained), `scale-in` (a run removing a drained node
 * started), `removed` (that run destroyed it and the scheduler forgot it). Held, with the
 * reason: `scale-out-held` (cool-down, maximum fleet, a run in progress, a refused
 * request), `scale-in-held` (waiting for the node to empty, a run in progress, a failed
 * scale-in run to retry, a drain that would heat the fleet), `abandoned` (someone else
 * enabled or removed a draining node).
 */
export const autoscaleActionSchema = z.enum([
  'scale-out',
  'scale-out-held',
  'cordon',
  'uncordon',
  'scale-in',
  'scale-in-held',
  'removed',
  'abandoned',
]);
export type AutoscaleAction = z.infer<typeof autoscaleActionSchema>;

/** `ensemble.provision.decision`: every autoscale decision, with its reason. */
export const autoscaleDecisionSchema = z.object({
  action: autoscaleActionSchema,
  reason: z.string().max(300),
  count: z.number().int().min(0).max(100).optional(),
  nodeId: nodeIdSchema.optional(),
  /** Used share of fleet capacity when decided (0..1+). */
  usedShare: z.number().nonnegative(),
  fleetSize: z.number().int().nonnegative(),
  runId: runIdSchema.optional(),
  at: epochMsSchema,
});
export type AutoscaleDecision = z.infer<typeof autoscaleDecisionSchema>;

/** `ensemble.provision.runs.list` reply: runs and the latest autoscale decisions, newest first. */
export const runListSchema = z.object({
  runs: z.array(runSummarySchema),
  decisions: z.array(autoscaleDecisionSchema).default([]),
});
