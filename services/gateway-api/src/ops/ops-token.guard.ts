import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { CONFIG, DomainError } from '@ensemble/shared';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { GatewayConfig } from '../config.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** `Authorization: Bearer $OPS_TOKEN`, compared in constant time (digests make lengths equal). */
@Injectable()
export class OpsTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(CONFIG) config: GatewayConfig) {
    this.expected = digest(config.OPS_TOKEN);
  }

  canActivate(ctx: ExecutionContext): boolean {
    const header = ctx.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match || !timingSafeEqual(digest(match[1]!), this.expected)) {
      throw new DomainError('unauthorized', 'missing or wrong operator token');
    }
    return true;
  }
}
