import { Body, Controller, Delete, Get, Param, Put, Req, UseGuards } from '@nestjs/common';
import { DomainError, tenantIdentityBodySchema, tenantNameSchema, type TenantIdentityView } from '@ensemble/contracts';
import type { FastifyRequest } from 'fastify';
import { parseInput } from '../http/parse.js';
import { identityView, TenantIdentityRepository } from '../identity/tenant-identity.repository.js';
import { AuditLog } from './audit-log.js';
import { auditActorOf } from './operator.js';
import { OpsTokenGuard } from './ops-token.guard.js';

const nameOf = (raw: string) => parseInput(tenantNameSchema, raw, 'name');
const noIdentity = (name: string) => new DomainError('not-found', `tenant ${name} has no identity provider`);

/**
 * `/api/ops/tenants/:name/identity` (decision 120): a tenant's OpenID Provider. The client
 * secret is write-only: never in an answer or the audit record (whether one was given is).
 */
@Controller('api/ops/tenants/:name/identity')
@UseGuards(OpsTokenGuard)
export class TenantIdentityController {
  constructor(
    private readonly identities: TenantIdentityRepository,
    private readonly audit: AuditLog,
  ) {}

  @Get()
  async show(@Param('name') raw: string): Promise<TenantIdentityView> {
    const name = nameOf(raw);
    const identity = await this.identities.get(name);
    if (!identity) throw noIdentity(name);
    return identityView(identity);
  }

  /** The whole configuration replaced; the first needs a client secret, later ones keep it when left out. */
  @Put()
  set(@Param('name') raw: string, @Body() body: unknown, @Req() req: FastifyRequest): Promise<TenantIdentityView> {
    const name = nameOf(raw);
    const b = parseInput(tenantIdentityBodySchema, body);
    const { clientSecret, ...shown } = b;
    return this.audit.run(
      auditActorOf(req),
      {
        action: 'tenant.identity-set',
        target: name,
        details: { ...shown, clientSecretSet: clientSecret !== undefined },
      },
      async () => {
        const stored = await this.identities.put(name, b);
        if (stored === false) throw new DomainError('not-found', `no tenant ${name}`);
        if (stored === null) throw new DomainError('invalid-input', 'clientSecret: required the first time');
        return identityView(stored);
      },
    );
  }

  /** Sign-in with the provider ends; its accounts stay (they can sign in again once a provider is set). */
  @Delete()
  remove(@Param('name') raw: string, @Req() req: FastifyRequest): Promise<{ tenant: string; removed: true }> {
    const name = nameOf(raw);
    return this.audit.run(
      auditActorOf(req),
      { action: 'tenant.identity-remove', target: name, details: {} },
      async () => {
        if (!(await this.identities.remove(name))) throw noIdentity(name);
        return { tenant: name, removed: true as const };
      },
    );
  }
}
