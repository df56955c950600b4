import { Inject, Injectable } from '@nestjs/common';
import { CONFIG } from '@ensemble/shared';
import type { GatewayConfig } from '../config.js';

/** How long the gateway waits on a NATS request before answering 503. */
@Injectable()
export class RequestTimeout {
  readonly opts: { timeoutMs: number };
  /** For idempotent requests (place, locate, list): retried within the same deadline. */
  readonly idempotent: { timeoutMs: number; retries: number };
  constructor(@Inject(CONFIG) config: GatewayConfig) {
    this.opts = { timeoutMs: config.NATS_REQUEST_TIMEOUT_MS };
    this.idempotent = { timeoutMs: config.NATS_REQUEST_TIMEOUT_MS, retries: config.NATS_REQUEST_RETRIES };
  }
}
