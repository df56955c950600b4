import type { StoredCallback } from '@ensemble/contracts';
import { hmacJwt, hs256Jwt } from '../jwt/hs256-jwt.js';

/** One attempt's HTTP request. */
export interface CallbackRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

/** How long an analytics callback's token is valid, as post_events_analytics_callback.rb makes it. */
const ANALYTICS_TOKEN_S = 24 * 3600;

/**
 * The request BBB itself would send for this callback, signed with `secret` (the tenant's BBB
 * API secret) now, at the attempt (decision 113):
 * - recording-ready (post_publish_recording_ready_callback.rb): a form POST with one field,
 *   `signed_parameters` = HS256 JWT `{ meeting_id, record_id }`;
 * - analytics (post_events_analytics_callback.rb): the JSON body with `Authorization: Bearer`
 *   an HS512 JWT `{ exp }` valid 24 h from now;
 * - meeting-ended (bbb-web's CallbackUrlService): a GET, nothing signed.
 * A callback without `signing` goes as it was stored (signed at enqueue, decision 103).
 */
export function callbackRequest(cb: StoredCallback, secret: string | undefined, now = Date.now()): CallbackRequest {
  const headers: Record<string, string> = { 'user-agent': 'Ensemble callbacks' };
  const signing = cb.signing;
  if (signing && !secret) throw new Error(`callback ${cb.id} needs a secret to be signed`);
  if (signing?.as === 'recording-ready') {
    const jwt = hs256Jwt({ meeting_id: signing.meetingId, record_id: signing.recordId }, secret!);
    headers['content-type'] = 'application/x-www-form-urlencoded';
    return { method: 'POST', headers, body: new URLSearchParams({ signed_parameters: jwt }).toString() };
  }
  if (signing?.as === 'analytics') {
    const exp = Math.floor(now / 1000) + ANALYTICS_TOKEN_S;
    headers['content-type'] = 'application/json';
    headers.authorization = `Bearer ${hmacJwt({ exp }, secret!, 'HS512')}`;
    return { method: 'POST', headers, body: cb.body };
  }
  if (cb.method === 'GET') return { method: 'GET', headers };
  if (cb.contentType) headers['content-type'] = cb.contentType;
  return { method: 'POST', headers, body: cb.body };
}
