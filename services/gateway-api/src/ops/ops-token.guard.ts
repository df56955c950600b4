import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '@ensemble/contracts';
import { CONFIG } from '@ensemble/shared';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { GatewayConfig } from '../config.js';
import { OperatorTokenService } from './operator-tokens/operator-token.service.js';
import { setPrincipal, type OpsPrincipal } from './operator.js';
import { SseTicketService } from './sse-ticket.service.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

const SCOPE_KEY = 'ensemble:ops-scope';
/** What a route needs of a personal token beyond its method: `read` lets a read token POST it, `write` keeps it from GETs too. */
type RouteScope = 'read' | 'write';
/** A non-GET route that changes nothing (an events ticket): a read-scope token may call it. */
export const ReadScope = () => SetMetadata(SCOPE_KEY, 'read' satisfies RouteScope);
/** A route (or controller) only write-scope tokens and the shared token may call, GETs included (token management). */
export const WriteScope = () => SetMetadata(SCOPE_KEY, 'write' satisfies RouteScope);

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * `Authorization: Bearer <token>` on `/api/ops/*` (decision 122): the shared OPS_TOKEN
 * (compared in constant time; refused when OPS_TOKEN_ENABLED=false) or a personal operator
 * token. A read-scope token may GET, and call routes marked `@ReadScope()`; anything else is
 * a typed 403 `forbidden`.
 */
@Injectable()
export class OpsTokenGuard implements CanActivate {
  private readonly expected: Buffer;
  private readonly sharedEnabled: boolean;

  constructor(
    @Inject(CONFIG) config: GatewayConfig,
    private readonly tokens: OperatorTokenService,
    private readonly reflector: Reflector,
  ) {
    this.expected = digest(config.OPS_TOKEN);
    this.sharedEnabled = config.OPS_TOKEN_ENABLED;
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const p = await this.principal(req);
    if (p.kind === 'operator-token' && p.scope === 'read') {
      const needs = this.reflector.getAllAndOverride<RouteScope | undefined>(SCOPE_KEY, [
        ctx.getHandler(),
        ctx.getClass(),
      ]);
      if (needs === 'write' || (needs !== 'read' && !READ_METHODS.has(req.method))) {
        throw new DomainError('forbidden', `operator token ${p.id} (${p.name}) is read-only`);
      }
    }
    setPrincipal(req, p);
    return true;
  }

  /** Who the bearer is; `unauthorized` if no one. */
  async principal(req: FastifyRequest): Promise<OpsPrincipal> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer !== undefined) {
      if (OperatorTokenService.looksLikeOne(bearer)) {
        const t = await this.tokens.verify(bearer);
        if (t) return { kind: 'operator-token', ...t };
      } else if (timingSafeEqual(digest(bearer), this.expected)) {
        if (this.sharedEnabled) return { kind: 'ops-token' };
        throw new DomainError(
          'unauthorized',
          'the shared OPS_TOKEN is disabled (OPS_TOKEN_ENABLED=false): use a personal operator token',
        );
      }
    }
    throw new DomainError('unauthorized', 'missing, wrong or revoked operator token');
  }
}

/** The event stream: a bearer token (either kind, any scope), or a ticket from `POST /api/ops/events/ticket` (EventSource). */
@Injectable()
export class OpsStreamGuard implements CanActivate {
  constructor(
    private readonly token: OpsTokenGuard,
    private readonly tickets: SseTicketService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const ticket = (req.query as Record<string, unknown> | undefined)?.['ticket'];
    if (ticket === undefined) {
      setPrincipal(req, await this.token.principal(req));
      return true;
    }
    if (this.tickets.valid(ticket)) return true;
    throw new DomainError('unauthorized', 'missing or wrong operator token or events ticket');
  }
}
