import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import {
  addTenantSecretBodySchema,
  createTenantBodySchema,
  describeTenantHoldings,
  forceQuerySchema,
  tenantNameSchema,
  tenantSecretIdSchema,
  updateTenantBodySchema,
  type TenantUsage,
  type TenantsUsage,
} from '@ensemble/contracts';
import type { FastifyRequest } from 'fastify';
import { parseInput } from '../http/parse.js';
import { TenantAdmin } from '../tenants/tenant-admin.service.js';
import { tenantPolicySchema } from '../tenants/tenant-policy.schema.js';
import { policySummary } from '../tenants/tenant-rules.js';
import { AuditLog } from './audit-log.js';
import { auditActorOf } from './operator.js';
import { OpsTokenGuard } from './ops-token.guard.js';

const nameOf = (raw: string) => parseInput(tenantNameSchema, raw, 'name');

/**
 * `/api/ops/tenants` (decision 114): tenants, their secrets, policy and usage. Every change
 * is audited like the fleet's; a secret is in the answer that creates it only, never in the
 * audit record (its id is).
 */
@Controller('api/ops/tenants')
@UseGuards(OpsTokenGuard)
export class TenantsController {
  constructor(
    private readonly tenants: TenantAdmin,
    private readonly audit: AuditLog,
  ) {}

  @Get()
  async list() {
    return { tenants: await this.tenants.list() };
  }

  @Get('usage')
  async usageOfAll(): Promise<TenantsUsage> {
    return { tenants: await this.tenants.usage() };
  }

  @Get(':name')
  show(@Param('name') raw: string) {
    return this.tenants.show(nameOf(raw));
  }

  @Post()
  @HttpCode(201)
  add(@Body() body: unknown, @Req() req: FastifyRequest) {
    const b = parseInput(createTenantBodySchema, body);
    const { name, secret, ...fields } = b;
    return this.audit.run(
      auditActorOf(req),
      {
        action: 'tenant.add',
        target: name,
        details: { ...fields, secretImported: secret !== undefined },
        result: (r) => ({ details: { secretId: r.secret.id } }),
      },
      () => this.tenants.add(b),
    );
  }

  @Patch(':name')
  update(@Param('name') raw: string, @Body() body: unknown, @Req() req: FastifyRequest) {
    const name = nameOf(raw);
    const changes = parseInput(updateTenantBodySchema, body);
    return this.audit.run(auditActorOf(req), { action: 'tenant.update', target: name, details: changes }, () =>
      this.tenants.update(name, changes),
    );
  }

  /** Refused (409, naming what it holds) while it has running meetings, accounts or recordings, unless `?force=true`. */
  @Delete(':name')
  remove(@Param('name') raw: string, @Query() query: unknown, @Req() req: FastifyRequest) {
    const name = nameOf(raw);
    const { force } = parseInput(forceQuerySchema, query, 'query');
    return this.audit.run(
      auditActorOf(req),
      {
        action: 'tenant.remove',
        target: name,
        details: force ? { force } : {},
        // A forced removal records what it took with it.
        result: (r) =>
          r.forced ? { details: { force, held: { ...r.held, summary: describeTenantHoldings(r.held) } } } : {},
      },
      () => this.tenants.remove(name, force),
    );
  }

  @Get(':name/secrets')
  async secrets(@Param('name') raw: string) {
    return { secrets: await this.tenants.secrets(nameOf(raw)) };
  }

  @Post(':name/secrets')
  @HttpCode(201)
  addSecret(@Param('name') raw: string, @Body() body: unknown, @Req() req: FastifyRequest) {
    const name = nameOf(raw);
    const { secret } = parseInput(addTenantSecretBodySchema, body);
    return this.audit.run(
      auditActorOf(req),
      {
        action: 'tenant.secret-add',
        target: name,
        details: { secretImported: secret !== undefined },
        result: (r) => ({ details: { secretImported: secret !== undefined, secretId: r.secret.id } }),
      },
      () => this.tenants.addSecret(name, secret),
    );
  }

  /** Refused for a secret from the config, and for the tenant's last one unless `?force=true`. */
  @Delete(':name/secrets/:id')
  removeSecret(
    @Param('name') raw: string,
    @Param('id') rawId: string,
    @Query() query: unknown,
    @Req() req: FastifyRequest,
  ) {
    const name = nameOf(raw);
    const id = parseInput(tenantSecretIdSchema, rawId, 'id');
    const { force } = parseInput(forceQuerySchema, query, 'query');
    return this.audit.run(
      auditActorOf(req),
      { action: 'tenant.secret-remove', target: name, details: { secretId: id, ...(force ? { force } : {}) } },
      () => this.tenants.removeSecret(name, id, force),
    );
  }

  @Get(':name/policy')
  policy(@Param('name') raw: string) {
    return this.tenants.policy(nameOf(raw));
  }

  /** The whole policy, replaced; a bad value is refused naming its field (e.g. `create.caps.duration`). */
  @Put(':name/policy')
  setPolicy(@Param('name') raw: string, @Body() body: unknown, @Req() req: FastifyRequest) {
    const name = nameOf(raw);
    const policy = parseInput(tenantPolicySchema, body, 'policy');
    return this.audit.run(
      auditActorOf(req),
      { action: 'tenant.policy-set', target: name, details: policySummary(policy) },
      () => this.tenants.setPolicy(name, policy),
    );
  }

  @Get(':name/usage')
  async usage(@Param('name') raw: string): Promise<TenantUsage> {
    return (await this.tenants.usage(nameOf(raw)))[0]!;
  }
}
