import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { DomainError, type AuthMethods, type OidcErrorCode } from '@ensemble/contracts';
import { CONFIG, LOGGER, type Logger } from '@ensemble/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayConfig } from '../config.js';
import { AccountsService } from '../accounts/accounts.service.js';
import { sessionTokenOf, setSessionCookie } from '../accounts/session-cookie.js';
import { WebTenants } from '../accounts/web-tenant.js';
import { OidcRefusal, OidcService } from './oidc.service.js';

const CALLBACK_PATH = '/api/auth/oidc/callback';

/**
 * `/api/auth/methods` and the OpenID Connect sign-in of the tenant the host names
 * (decision 120). Start and callback are browser navigations: a refusal is a redirect to the
 * web app's sign-in page with its code (`/login?error=oidc-…`), logged without tokens.
 */
@Controller('api/auth')
export class OidcController {
  private readonly secure: boolean;
  private readonly ttlS: number;

  constructor(
    private readonly oidc: OidcService,
    private readonly accounts: AccountsService,
    private readonly tenants: WebTenants,
    @Inject(CONFIG) config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.secure = config.PUBLIC_URL?.startsWith('https://') ?? false;
    this.ttlS = config.SESSION_TTL_S;
  }

  @Get('methods')
  async methods(@Req() req: FastifyRequest): Promise<AuthMethods> {
    const identity = await this.oidc.identityOf(this.tenants.of(req));
    return {
      local: identity?.localAccountsEnabled ?? true,
      oidc: identity ? { displayName: identity.displayName, startUrl: '/api/auth/oidc/start' } : null,
    };
  }

  @Get('oidc/start')
  async start(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const tenant = this.tenants.of(req);
    const base = this.tenants.linkBase(req, tenant);
    try {
      const url = await this.oidc.start(tenant, `${base}${CALLBACK_PATH}`);
      await reply.header('cache-control', 'no-store').redirect(url.href, 303);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      const code: OidcErrorCode = e.code === 'not-found' ? 'oidc-not-configured' : 'oidc-provider-unavailable';
      await reply.header('cache-control', 'no-store').redirect(`${base}/login?error=${code}`, 303);
    }
  }

  @Get('oidc/callback')
  async callback(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const tenant = this.tenants.of(req);
    const base = this.tenants.linkBase(req, tenant);
    const query = new URL(req.url, 'http://x').searchParams;
    void reply.header('cache-control', 'no-store');
    try {
      const { token, userId } = await this.oidc.callback(tenant, query);
      await this.accounts.logout(tenant, sessionTokenOf(req));
      setSessionCookie(reply, token, this.ttlS, this.secure);
      this.logger.info('oidc sign-in', { tenant, userId });
      await reply.redirect(`${base}/rooms`, 303);
    } catch (e) {
      if (!(e instanceof OidcRefusal)) throw e;
      // The detail names the failed check (the library's words); never a code, token or secret.
      this.logger.warn('oidc sign-in refused', { tenant, code: e.code, detail: e.detail, address: req.ip });
      await reply.redirect(`${base}/login?error=${e.code}`, 303);
    }
  }
}
