import { Inject, Injectable } from '@nestjs/common';
import { CONFIG } from '@ensemble/shared';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { GatewayConfig } from '../config.js';

/**
 * Short-lived tickets for `GET /api/ops/events?ticket=`: a browser's EventSource
 * cannot send an Authorization header, and the ops token itself must not travel
 * in a URL (proxy logs, history). A ticket is `<expiry ms>.<HMAC(ops token, expiry)>`:
 * stateless, valid for every gateway instance sharing the token, read-only (the
 * stream route accepts it, nothing else does). See docs/decisions/032.
 */
@Injectable()
export class SseTicketService {
  private readonly key: Buffer;
  readonly ttlMs: number;

  constructor(@Inject(CONFIG) config: GatewayConfig) {
    this.key = createHmac('sha256', 'ensemble-ops-events').update(config.OPS_TOKEN).digest();
    this.ttlMs = config.SSE_TICKET_TTL_S * 1000;
  }

  issue(now = Date.now()): { ticket: string; expiresAt: number } {
    const expiresAt = now + this.ttlMs;
    return { ticket: `${expiresAt}.${this.mac(expiresAt)}`, expiresAt };
  }

  valid(ticket: unknown, now = Date.now()): boolean {
    if (typeof ticket !== 'string' || ticket.length > 200) return false;
    const m = /^(\d{13,15})\.([A-Za-z0-9_-]{43})$/.exec(ticket);
    if (!m) return false;
    const expiresAt = Number(m[1]);
    const given = Buffer.from(m[2]!);
    const expected = Buffer.from(this.mac(expiresAt));
    return expiresAt > now && given.length === expected.length && timingSafeEqual(given, expected);
  }

  private mac(expiresAt: number): string {
    return createHmac('sha256', this.key).update(`ops-events:${expiresAt}`).digest('base64url');
  }
}
