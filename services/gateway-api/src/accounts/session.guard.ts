import { Injectable, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { DomainError } from '@ensemble/contracts';
import type { FastifyRequest } from 'fastify';
import { AccountsService, type SignedInUser } from './accounts.service.js';
import { sessionTokenOf } from './session-cookie.js';
import { WebTenants } from './web-tenant.js';

type WithUser = FastifyRequest & { user?: SignedInUser };

/**
 * Routes for signed-in people: no valid session is a 401, and so is a session of another
 * tenant than the host's (decision 115); a host name of no tenant is a 404 first.
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    private readonly accounts: AccountsService,
    private readonly tenants: WebTenants,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<WithUser>();
    const user = await this.accounts.userOf(this.tenants.of(req), sessionTokenOf(req));
    if (!user) throw new DomainError('unauthorized', 'sign in first');
    req.user = user;
    return true;
  }
}

/** The user the SessionGuard found, with their role. */
export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): SignedInUser => ctx.switchToHttp().getRequest<WithUser>().user!,
);
