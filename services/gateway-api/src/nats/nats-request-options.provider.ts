import { Inject, Injectable } from '@nestjs/common';
import { CONFIG } from '@ensemble/shared';
import type { GatewayConfig } from '../config.js';

/**
 * How the gateway waits on NATS requests, built once from config and used by
 * every request it sends (meetings, BBB API, ops). Past the deadline a request
 * fails `unavailable` (503, or BBB `internalError`).
 */
@Injectable()
export class NatsRequestOptionsProvider {
  /** Requests that must not be sent twice (register, update, scale-out...). */
  readonly once: { timeoutMs: number };
  /**
   * Requests that are safe to send again (place per roomKey, locate, sign, end,
   * list): retried within the same deadline when no scheduler answers. A place
   * with `join` that is sent again may count that join twice: an over-estimate
   * of pending load for one poll interval, never a wrong placement.
   */
  readonly idempotent: { timeoutMs: number; retries: number };

  constructor(@Inject(CONFIG) config: GatewayConfig) {
    this.once = { timeoutMs: config.NATS_REQUEST_TIMEOUT_MS };
    this.idempotent = { timeoutMs: config.NATS_REQUEST_TIMEOUT_MS, retries: config.NATS_REQUEST_RETRIES };
  }
}
