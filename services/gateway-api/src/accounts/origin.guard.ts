import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { DomainError } from '@ensemble/contracts';
import { CONFIG } from '@ensemble/shared';
import type { FastifyRequest } from 'fastify';
import type { GatewayConfig } from '../config.js';
import { sessionTokenOf } from './session-cookie.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence for cookie sessions: a state-changing request must come from our
 * own origin (the public URL, or the origin the request was sent to). A request
 * with a session cookie must say where it comes from (Origin, else Referer).
 */
@Injectable()
export class OriginGuard implements CanActivate {
  private readonly publicOrigin: string | null;

  constructor(@Inject(CONFIG) config: GatewayConfig) {
    this.publicOrigin = config.PUBLIC_URL ? new URL(config.PUBLIC_URL).origin : null;
  }

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    if (SAFE.has(req.method)) return true;
    const origin = originOf(req);
    if (origin === null) {
      if (sessionTokenOf(req)) throw new DomainError('forbidden', 'a signed-in request must carry an Origin header');
      return true;
    }
    if (origin !== this.publicOrigin && origin !== `${req.protocol}://${req.host}`) {
      throw new DomainError('forbidden', 'cross-origin request refused');
    }
    return true;
  }
}

function originOf(req: FastifyRequest): string | null {
  const origin = req.headers.origin;
  if (origin) return origin === 'null' ? 'null' : origin;
  const referer = req.headers.referer;
  if (!referer) return null;
  try {
    return new URL(referer).origin;
  } catch {
    return 'null';
  }
}
