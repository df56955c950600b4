import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  MAX_CALLBACK_BODY_BYTES,
  callbackUrlSchema,
  outboundCallbackSchema,
  type OutboundCallback,
} from '@ensemble/contracts';
import { LOGGER, METRICS, type Logger, type Metrics } from '@ensemble/shared';
import { CallbackDeliveryService } from './callback-delivery.service.js';
import { CALLBACK_SOURCES, type CallbackSource } from './callback-token.js';
import { CallbackUrls } from './callback-urls.js';
import { analyticsCallback, analyticsPayloadSchema, endCallback, meetingEndedCallback } from './node-callbacks.js';

/** A node's call to `/bigbluebutton/callbacks/v1/<source>/<token>`. */
export interface NodeCallbackCall {
  source: string;
  token: string;
  /** The query the node added (meta_endCallbackUrl: `recordingmarks`, `meetingID`). */
  query: URLSearchParams;
  /** A JSON body, parsed (analytics). */
  body: unknown;
}

/** The sources a node calls; recording-ready is the transfer's (the node never calls it). */
const NODE_SOURCES: ReadonlySet<string> = new Set<CallbackSource>(['end-callback', 'meeting-ended', 'analytics']);
type Received = 'queued' | 'duplicate' | 'refused' | 'ignored';

/**
 * The receiving end of the callbacks nodes make to Ensemble (decision 113): the token is
 * checked (a wrong one enqueues nothing), the integration's callback is built as BBB would
 * send it and enqueued once per event for at-least-once delivery, signed at delivery with
 * the tenant's secret.
 */
@Injectable()
export class CallbackIntake {
  private readonly received;

  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) metrics: Metrics,
    private readonly urls: CallbackUrls,
    private readonly callbacks: CallbackDeliveryService,
  ) {
    this.received = metrics.counter(
      'ensemble_callbacks_received_total',
      'Callbacks nodes made to Ensemble, by source and outcome (queued, duplicate, refused, ignored)',
      ['source', 'outcome'],
    );
  }

  async receive(call: NodeCallbackCall): Promise<Received> {
    if (!NODE_SOURCES.has(call.source)) {
      throw new DomainError(
        'not-found',
        `no callback receiver ${CALLBACK_SOURCES.includes(call.source as CallbackSource) ? 'for nodes ' : ''}at ${call.source}`,
      );
    }
    const source = call.source as CallbackSource;
    const target = this.urls.open(source, call.token);
    if (!target) {
      this.count(source, 'refused');
      throw new DomainError('unauthorized', 'not a callback token of this gateway');
    }
    const fields = { source, tenant: target.tenant, meetingID: target.meetingID };
    if (!callbackUrlSchema.safeParse(target.url).success) {
      // BBB would fail to call it too: told to the node as done, so it stops trying.
      this.logger.warn('callback url is no http(s) URL, not called', fields);
      this.count(source, 'ignored');
      return 'ignored';
    }
    const callback = this.build(source, target, call);
    if (Buffer.byteLength(callback.body ?? '') > MAX_CALLBACK_BODY_BYTES) {
      this.count(source, 'refused');
      throw new DomainError('payload-too-large', `a callback body is at most ${MAX_CALLBACK_BODY_BYTES} bytes`);
    }
    if (!outboundCallbackSchema.safeParse(callback).success) {
      // E.g. a URL that grew past 2048 characters with BBB's parameters: nothing BBB could call either.
      this.logger.warn('callback cannot be sent as built, not called', fields);
      this.count(source, 'ignored');
      return 'ignored';
    }
    let fresh: boolean;
    try {
      fresh = await this.callbacks.delivery.enqueue(callback);
    } catch (e) {
      // NATS or its stream unreachable: the node tries again later (BBB's end callback does).
      this.logger.error('callback from node not queued', { ...fields, error: (e as Error).message });
      throw new DomainError('unavailable', 'the callback could not be queued; try again');
    }
    const outcome = fresh ? 'queued' : 'duplicate';
    this.count(source, outcome);
    this.logger.info(fresh ? 'callback from node queued' : 'callback from node already queued', {
      ...fields,
      callbackId: callback.id,
    });
    return outcome;
  }

  private build(
    source: CallbackSource,
    target: NonNullable<ReturnType<CallbackUrls['open']>>,
    call: NodeCallbackCall,
  ): OutboundCallback {
    if (source === 'end-callback') return endCallback(target, call.query.get('recordingmarks') === 'true');
    if (source === 'meeting-ended') return meetingEndedCallback(target);
    const payload = analyticsPayloadSchema.safeParse(call.body);
    if (!payload.success) {
      this.count(source, 'refused');
      throw new DomainError('invalid-input', `analytics body: ${payload.error.issues[0]?.message ?? 'invalid'}`);
    }
    return analyticsCallback(target, payload.data, (value) => {
      const own =
        this.urls.openUrl('analytics', value) ??
        this.urls.openUrl('end-callback', value) ??
        this.urls.openUrl('meeting-ended', value) ??
        this.urls.openUrl('recording-ready', value);
      return own?.tenant === target.tenant ? own.url : value;
    });
  }

  private count(source: CallbackSource, outcome: Received): void {
    this.received.inc({ source, outcome });
  }
}
