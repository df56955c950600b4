import { z } from 'zod';

/** The callbacks Ensemble delivers to integrations; a bounded label for metrics. */
export const CALLBACK_KINDS = ['recording-ready', 'meeting-ended', 'analytics'] as const;
export type CallbackKind = (typeof CALLBACK_KINDS)[number];

/** Largest body kept in the stream (analytics callbacks are the big ones). */
export const MAX_CALLBACK_BODY_BYTES = 512 * 1024;

/** An integration's callback URL: http(s) only; the host is all a log line may show of it. */
export const callbackUrlSchema = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).max(2048);

/**
 * One outbound callback as kept in the ENSEMBLE_CALLBACKS stream, ready to send: the
 * body is already signed, so delivery needs no secret. `id` names the event (e.g.
 * `recording-ready:<record id>`): enqueued twice, it is delivered once.
 */
export const outboundCallbackSchema = z.object({
  id: z.string().min(1).max(300),
  kind: z.enum(CALLBACK_KINDS),
  url: callbackUrlSchema,
  contentType: z.string().min(1).max(200),
  body: z.string().max(MAX_CALLBACK_BODY_BYTES),
  /** When it was enqueued (ms since epoch): its age decides when retries stop. */
  enqueuedAt: z.number().int().nonnegative(),
});
export type OutboundCallback = z.infer<typeof outboundCallbackSchema>;
