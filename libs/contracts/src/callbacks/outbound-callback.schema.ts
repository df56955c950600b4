import { z } from 'zod';

/** The callbacks Ensemble delivers to integrations; a bounded label for metrics. */
export const CALLBACK_KINDS = ['recording-ready', 'meeting-ended', 'analytics'] as const;
export type CallbackKind = (typeof CALLBACK_KINDS)[number];

/** Largest body kept in the stream (analytics callbacks are the big ones). */
export const MAX_CALLBACK_BODY_BYTES = 512 * 1024;

/** An integration's callback URL: http(s) only; the host is all a log line may show of it. */
export const callbackUrlSchema = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).max(2048);

/**
 * How a callback is signed when it is sent, with its tenant's BBB API secret as BBB signs it
 * (decision 113): `recording-ready` is post_publish_recording_ready_callback.rb's form field
 * `signed_parameters` (HS256 JWT of `{ meeting_id, record_id }`), `analytics` is
 * post_events_analytics_callback.rb's `Authorization: Bearer` (HS512 JWT of `{ exp }`, a day
 * from the attempt). Meeting-ended callbacks are plain GETs: BBB signs nothing.
 */
export const callbackSigningSchema = z.discriminatedUnion('as', [
  z.object({
    as: z.literal('recording-ready'),
    meetingId: z.string().min(1).max(512),
    recordId: z.string().min(1).max(200),
  }),
  z.object({ as: z.literal('analytics') }),
]);
export type CallbackSigning = z.infer<typeof callbackSigningSchema>;

/**
 * One outbound callback as kept in the ENSEMBLE_CALLBACKS stream, ready to send. `id` names
 * the event (e.g. `recording-ready:<record id>`): enqueued twice, it is delivered once.
 * With a `tenant`, the callback is signed at each attempt with that tenant's current secret
 * (`signing`), so the stream holds no secret and a removed tenant's callbacks are dropped;
 * without one, `body` was signed when it was enqueued (decision 103's messages).
 */
export const outboundCallbackSchema = z.object({
  id: z.string().min(1).max(300),
  kind: z.enum(CALLBACK_KINDS),
  url: callbackUrlSchema,
  /** BBB's meeting-ended callbacks are GETs; the others POSTs. */
  method: z.enum(['GET', 'POST']).default('POST'),
  contentType: z.string().max(200).default(''),
  body: z.string().max(MAX_CALLBACK_BODY_BYTES).default(''),
  /** When it was enqueued (ms since epoch): its age decides when retries stop. */
  enqueuedAt: z.number().int().nonnegative(),
  tenant: z.string().min(1).max(63).optional(),
  signing: callbackSigningSchema.optional(),
  /** The integration's meetingID, for operators (never part of the request but where BBB puts it). */
  meetingId: z.string().max(512).optional(),
});
export type OutboundCallback = z.input<typeof outboundCallbackSchema>;
export type StoredCallback = z.output<typeof outboundCallbackSchema>;
