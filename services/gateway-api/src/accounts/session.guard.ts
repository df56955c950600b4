import { Injectable, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { DomainError, type UserView } from '@ensemble/contracts';
import type { FastifyRequest } from 'fastify';
import { AccountsService } from './accounts.service.js';
import { sessionTokenOf } from './session-cookie.js';

type WithUser = FastifyRequest & { user?: UserView };

/** Routes for signed-in people: no valid session is a 401. */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(private readonly accounts: AccountsService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<WithUser>();
    const user = await this.accounts.userOf(sessionTokenOf(req));
    if (!user) throw new DomainError('unauthorized', 'sign in first');
    req.user = user;
    return true;
  }
}

/** The user the SessionGuard found. */
export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): UserView => ctx.switchToHttp().getRequest<WithUser>().user!,
);
