import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { DomainError, loginBodySchema, registerBodySchema, type MeReply } from '@ensemble/contracts';
import { CONFIG } from '@ensemble/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayConfig } from '../config.js';
import { parseInput } from '../http/parse.js';
import { AccountsService, view, type SignedInUser } from './accounts.service.js';
import { RolesRepository } from '../roles/roles.repository.js';
import { OriginGuard } from './origin.guard.js';
import { CurrentUser, SessionGuard } from './session.guard.js';
import { sessionTokenOf, setSessionCookie } from './session-cookie.js';
import { WebTenants } from './web-tenant.js';
import { TenantIdentityRepository } from '../identity/tenant-identity.repository.js';

const localAccountsOff = () =>
  new DomainError('forbidden', 'local accounts are switched off on this site: sign in with its identity provider');

/** `/api/auth/*` and `/api/me`, within the tenant the host names (decision 115). */
@Controller('api')
@UseGuards(OriginGuard)
export class AccountsController {
  private readonly secure: boolean;
  private readonly ttlS: number;

  constructor(
    private readonly accounts: AccountsService,
    private readonly tenants: WebTenants,
    private readonly identities: TenantIdentityRepository,
    private readonly roles: RolesRepository,
    @Inject(CONFIG) config: GatewayConfig,
  ) {
    this.secure = config.PUBLIC_URL?.startsWith('https://') ?? false;
    this.ttlS = config.SESSION_TTL_S;
  }

  @Post('auth/register')
  @HttpCode(201)
  async register(@Body() body: unknown, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const tenant = this.tenants.of(req);
    await this.localAccountsOpen(tenant);
    const { user, token } = await this.accounts.register(tenant, parseInput(registerBodySchema, body), req.ip);
    // Under 'approval' registration (decision 124): made, but no session until approved.
    if (token === null) {
      void reply.status(202);
      return { user, pendingApproval: true };
    }
    await this.accounts.logout(tenant, sessionTokenOf(req));
    setSessionCookie(reply, token, this.ttlS, this.secure);
    return { user };
  }

  @Post('auth/login')
  @HttpCode(200)
  async login(@Body() body: unknown, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const tenant = this.tenants.of(req);
    await this.localAccountsOpen(tenant);
    const { user, token } = await this.accounts.login(tenant, parseInput(loginBodySchema, body), req.ip);
    // Rotation: whatever session the browser had before is gone.
    await this.accounts.logout(tenant, sessionTokenOf(req));
    setSessionCookie(reply, token, this.ttlS, this.secure);
    return { user };
  }

  @Post('auth/logout')
  @HttpCode(204)
  async logout(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.accounts.logout(this.tenants.of(req), sessionTokenOf(req));
    setSessionCookie(reply, '', 0, this.secure);
  }

  /** A tenant whose provider is its only way in (decision 120): passwords neither made nor checked. */
  private async localAccountsOpen(tenant: string): Promise<void> {
    if ((await this.identities.get(tenant))?.localAccountsEnabled === false) throw localAccountsOff();
  }

  /** The user, their role and its permissions (the web app shows its admin area by them). */
  @Get('me')
  @UseGuards(SessionGuard)
  async me(@CurrentUser() user: SignedInUser, @Req() req: FastifyRequest): Promise<MeReply> {
    const permissions = await this.roles.permissions(this.tenants.of(req), user.role);
    return { user: view(user), role: user.role, permissions };
  }
}
