import { Inject, Injectable } from '@nestjs/common';
import { callbackUrlSchema, type OutboundCallback } from '@ensemble/contracts';
import { CONFIG, LOGGER, hs256Jwt, type Logger } from '@ensemble/shared';
import type { GatewayConfig } from '../config.js';
import { CallbackDeliveryService } from './callback-delivery.service.js';

export interface RecordingReady {
  /** BBB's record ID (the internal meeting ID). */
  recordId: string;
  /** The integration's meetingID. */
  meetingId: string;
  /** The integration's `meta_bbb-recording-ready-url`. */
  url: string;
}

/**
 * What BBB's post_publish_recording_ready_callback.rb sends: a form POST with
 * `signed_parameters`, a JWT (HS256) of `{ meeting_id, record_id }` signed with the
 * BBB secret the integration knows. Receivers (Greenlight, Moodle, ...) verify it
 * with that secret.
 */
export function recordingReadyCallback(ready: RecordingReady, secret: string, now = Date.now()): OutboundCallback {
  const jwt = hs256Jwt({ meeting_id: ready.meetingId, record_id: ready.recordId }, secret);
  return {
    id: `recording-ready:${ready.recordId}`,
    kind: 'recording-ready',
    url: ready.url,
    contentType: 'application/x-www-form-urlencoded',
    body: new URLSearchParams({ signed_parameters: jwt }).toString(),
    enqueuedAt: now,
  };
}

/**
 * Tells an integration that a recording is in storage, once it is (decision 103):
 * enqueued for at-least-once delivery, so it reaches the integration even when the
 * node that recorded is gone, and once per recording however often it is called.
 */
@Injectable()
export class RecordingReadyNotifier {
  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly callbacks: CallbackDeliveryService,
  ) {}

  /**
   * Enqueues the callback; false when there is nothing to send (no or a bad URL, no
   * secret) or it was enqueued already. `secret` defaults to the BBB API secret
   * (issue 19: the tenant's).
   */
  async notify(
    ready: RecordingReady,
    secret = this.config.BBB_API_SECRET ?? this.config.BBB_API_SECRETS[0],
  ): Promise<boolean> {
    const fields = { recordId: ready.recordId };
    if (!callbackUrlSchema.safeParse(ready.url).success) {
      this.logger.warn('recording-ready url is no http(s) URL, not called', fields);
      return false;
    }
    if (!secret) {
      this.logger.warn('recording-ready callback not sent: no BBB API secret to sign it', fields);
      return false;
    }
    return this.callbacks.delivery.enqueue(recordingReadyCallback(ready, secret));
  }
}
