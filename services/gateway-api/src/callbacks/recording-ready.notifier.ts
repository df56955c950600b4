import { Inject, Injectable } from '@nestjs/common';
import { callbackUrlSchema, type OutboundCallback } from '@ensemble/contracts';
import { LOGGER, type Logger } from '@ensemble/shared';
import { CallbackDeliveryService } from './callback-delivery.service.js';
import type { CallbackTarget } from './callback-token.js';
import { CallbackUrls } from './callback-urls.js';

export interface RecordingReady {
  /** BBB's record ID (the internal meeting ID). */
  recordId: string;
  /** The meetingID in the recording's metadata (the node's). */
  meetingId: string;
  /** The recording's `ensemble-recording-ready-url` (an Ensemble URL with a token, or an older plain URL). */
  url: string;
}

/**
 * What BBB's post_publish_recording_ready_callback.rb sends: a form POST with
 * `signed_parameters`, a JWT (HS256) of `{ meeting_id, record_id }` signed with the
 * BBB secret the integration knows (its tenant's, at delivery: decision 113). Receivers
 * (Greenlight, Moodle, ...) verify it with that secret.
 */
export function recordingReadyCallback(target: CallbackTarget, recordId: string, now = Date.now()): OutboundCallback {
  return {
    id: `recording-ready:${recordId}`,
    kind: 'recording-ready',
    url: target.url,
    enqueuedAt: now,
    tenant: target.tenant,
    signing: { as: 'recording-ready', meetingId: target.meetingID, recordId },
    meetingId: target.meetingID,
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
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly urls: CallbackUrls,
    private readonly callbacks: CallbackDeliveryService,
  ) {}

  /** Enqueues the callback; false when there is nothing to send (no or a bad URL) or it was enqueued already. */
  async notify(ready: RecordingReady): Promise<boolean> {
    const fields = { recordId: ready.recordId };
    const target = this.urls.recordingReadyTarget(ready.url, ready.meetingId);
    if (!target) {
      this.logger.warn("recording-ready token is not this gateway's, not called", fields);
      return false;
    }
    if (!callbackUrlSchema.safeParse(target.url).success) {
      this.logger.warn('recording-ready url is no http(s) URL, not called', fields);
      return false;
    }
    return this.callbacks.delivery.enqueue(recordingReadyCallback(target, ready.recordId));
  }
}
