import { z } from 'zod';
import type { OutboundCallback } from '@ensemble/contracts';
import { nodeMeetingId } from '@ensemble/shared';
import type { CallbackTarget } from './callback-token.js';

/**
 * What a node's call to the receiver becomes: the callback BBB would have sent the
 * integration itself (decision 113), with the integration's meetingID where BBB puts the
 * node's, and an id per event (a repeat, BBB's retry or its double GET, is stored once).
 */

/**
 * bbb-web's MeetingService.meetingEnded: `URIBuilder.addParameter("recordingmarks", ...)`
 * then `("meetingID", <external meetingID>)` on the integration's meta_endCallbackUrl, a GET.
 * Appended to the URL as the integration wrote it (its own query kept byte for byte).
 */
export function endCallback(target: CallbackTarget, recordingMarks: boolean, now = Date.now()): OutboundCallback {
  return {
    id: `meeting-ended:end-callback:${target.nonce}`,
    kind: 'meeting-ended',
    method: 'GET',
    url: withQuery(target.url, [
      ['recordingmarks', recordingMarks ? 'true' : 'false'],
      ['meetingID', target.meetingID],
    ]),
    enqueuedAt: now,
    tenant: target.tenant,
    meetingId: target.meetingID,
  };
}

/** bbb-web's meetingEndedURL: a GET of the URL exactly as given, nothing added. */
export function meetingEndedCallback(target: CallbackTarget, now = Date.now()): OutboundCallback {
  return {
    id: `meeting-ended:meeting-ended:${target.nonce}`,
    kind: 'meeting-ended',
    method: 'GET',
    url: target.url,
    enqueuedAt: now,
    tenant: target.tenant,
    meetingId: target.meetingID,
  };
}

/** post_events_analytics_callback.rb's JSON body (`version` 1.0); `data` is bbbevents' summary. */
export const analyticsPayloadSchema = z
  .object({
    version: z.string().max(20),
    meeting_id: z.string().max(512),
    internal_meeting_id: z.string().regex(/^[0-9a-f]{40}-\d{13}$/, 'a BBB internal meeting id'),
    data: z.unknown(),
  })
  .loose();
export type AnalyticsPayload = z.infer<typeof analyticsPayloadSchema>;

/**
 * The analytics callback: the node's body with the integration's meetingID in `meeting_id`
 * and its metadata as the integration wrote it (`restore`: Ensemble's callback URLs back to
 * the integration's), POSTed with a Bearer token signed at delivery.
 */
export function analyticsCallback(
  target: CallbackTarget,
  payload: AnalyticsPayload,
  restore: (value: string) => string,
  now = Date.now(),
): OutboundCallback {
  const restored = restoreStrings(payload, restore) as AnalyticsPayload;
  const body = {
    ...restored,
    meeting_id:
      payload.meeting_id === nodeMeetingId(target.tenant, target.meetingID) ? target.meetingID : restored.meeting_id,
  };
  return {
    id: `analytics:${payload.internal_meeting_id}`,
    kind: 'analytics',
    url: target.url,
    contentType: 'application/json',
    body: JSON.stringify(body),
    enqueuedAt: now,
    tenant: target.tenant,
    signing: { as: 'analytics' },
    meetingId: target.meetingID,
  };
}

/** `pairs` appended to the query of `url` (before a fragment), the rest of it untouched. */
export function withQuery(url: string, pairs: ReadonlyArray<readonly [string, string]>): string {
  const hash = url.indexOf('#');
  const [head, fragment] = hash < 0 ? [url, ''] : [url.slice(0, hash), url.slice(hash)];
  const added = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  const sep = !head.includes('?') ? '?' : /[?&]$/.test(head) ? '' : '&';
  return `${head}${sep}${added}${fragment}`;
}

/** Node-side metadata key of the recording-ready URL, as bbbevents snake-cases it. */
const NODE_READY_KEY = 'ensemble_recording_ready_url';

function restoreStrings(value: unknown, restore: (s: string) => string): unknown {
  if (typeof value === 'string') return restore(value);
  if (Array.isArray(value)) return value.map((v) => restoreStrings(v, restore));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k === NODE_READY_KEY ? 'bbb_recording_ready_url' : k] = restoreStrings(v, restore);
    }
    return out;
  }
  return value;
}
