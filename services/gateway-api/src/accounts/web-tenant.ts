import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@ensemble/contracts';
import { CONFIG, DEFAULT_TENANT } from '@ensemble/shared';
import type { FastifyRequest } from 'fastify';
import type { GatewayConfig } from '../config.js';
import { publicBase } from '../http/public-base.js';
import { TenantDirectory } from '../tenants/tenant-directory.js';
import { tenantNamed } from '../tenants/tenant-route.js';

type WithTenant = FastifyRequest & { webTenant?: string };

/**
 * The tenant whose web app a request is on (decision 115): named by the host only,
 * `<tenant>.<TENANT_BASE_DOMAIN>`; every other host name (the base domain itself,
 * PUBLIC_URL's, an address) is the default tenant's. The web app has no `/t/<tenant>/`
 * paths: a browser keeps cookies per host, and so do its sessions here.
 */
@Injectable()
export class WebTenants {
  private readonly baseDomain: string | undefined;
  private readonly publicUrl: URL | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    private readonly directory: TenantDirectory,
  ) {
    this.baseDomain = config.TENANT_BASE_DOMAIN;
    this.publicUrl = config.PUBLIC_URL ? new URL(config.PUBLIC_URL) : undefined;
  }

  /**
   * The request's tenant; a host name of no tenant is a 404 that says no more (which
   * tenants exist is not told, only that nothing is here).
   */
  of(req: FastifyRequest): string {
    const r = req as WithTenant;
    if (r.webTenant !== undefined) return r.webTenant;
    // Host only: `/` stands for the path, which names no tenant in the web app.
    const name = tenantNamed('/', req.host, this.baseDomain);
    if (!this.directory.isKnown(name)) throw new DomainError('not-found', 'nothing is served at this host name');
    r.webTenant = name;
    return name;
  }

  /**
   * Where a tenant's links point (room links, BBB's logout URL): the default tenant's as
   * before (PUBLIC_URL, else the request's origin); another tenant's at its own host name,
   * with PUBLIC_URL's scheme, port and path when it is set, else the request's origin
   * (which is that host: the tenant was named by it).
   */
  linkBase(req: FastifyRequest, tenant: string): string {
    if (tenant === DEFAULT_TENANT || !this.baseDomain) return publicBase(this.config.PUBLIC_URL, req);
    if (!this.publicUrl) return `${req.protocol}://${req.host}`;
    const { protocol, port, pathname } = this.publicUrl;
    return `${protocol}//${tenant}.${this.baseDomain}${port ? `:${port}` : ''}${pathname.replace(/\/+$/, '')}`;
  }
}
