import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { DomainError } from '@ensemble/contracts';
import { CONFIG } from '@ensemble/shared';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { GatewayConfig } from '../config.js';
import { SseTicketService } from './sse-ticket.service.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** `Authorization: Bearer $OPS_TOKEN`, compared in constant time (digests make lengths equal). */
@Injectable()
export class OpsTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(CONFIG) config: GatewayConfig) {
    this.expected = digest(config.OPS_TOKEN);
  }

  canActivate(ctx: ExecutionContext): boolean {
    if (!this.bearerOk(ctx.switchToHttp().getRequest<FastifyRequest>())) {
      throw new DomainError('unauthorized', 'missing or wrong operator token');
    }
    return true;
  }

  bearerOk(req: FastifyRequest): boolean {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    return !!match && timingSafeEqual(digest(match[1]!), this.expected);
  }
}

/** The event stream: the bearer token, or a ticket from `POST /api/ops/events/ticket` (EventSource). */
@Injectable()
export class OpsStreamGuard implements CanActivate {
  constructor(
    private readonly token: OpsTokenGuard,
    private readonly tickets: SseTicketService,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const ticket = (req.query as Record<string, unknown> | undefined)?.['ticket'];
    if (ticket !== undefined ? this.tickets.valid(ticket) : this.token.bearerOk(req)) return true;
    throw new DomainError('unauthorized', 'missing or wrong operator token or events ticket');
  }
}
