import { Body, Controller, Param, Put, Req, UseGuards } from '@nestjs/common';
import {
  DomainError,
  emailSchema,
  setUserRoleBodySchema,
  tenantNameSchema,
  type AdminUserView,
} from '@ensemble/contracts';
import type { FastifyRequest } from 'fastify';
import { parseInput } from '../http/parse.js';
import { RolesRepository } from '../roles/roles.repository.js';
import { AuditLog } from './audit-log.js';
import { auditActorOf } from './operator.js';
import { OpsTokenGuard } from './ops-token.guard.js';

/**
 * `PUT /api/ops/tenants/:name/users/:email/role` (decision 124): how an operator makes a
 * tenant's first administrator (or any role); the account is approved with it. Audited.
 */
@Controller('api/ops/tenants/:name/users')
@UseGuards(OpsTokenGuard)
export class TenantUsersController {
  constructor(
    private readonly roles: RolesRepository,
    private readonly audit: AuditLog,
  ) {}

  @Put(':email/role')
  setRole(
    @Param('name') rawName: string,
    @Param('email') rawEmail: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
  ): Promise<AdminUserView> {
    const name = parseInput(tenantNameSchema, rawName, 'name');
    const email = parseInput(emailSchema, rawEmail, 'email');
    const { role } = parseInput(setUserRoleBodySchema, body);
    return this.audit.run(
      auditActorOf(req),
      { action: 'tenant.user-role-set', target: name, details: { email, role } },
      async () => {
        const user = await this.roles.setRoleByEmail(name, email, role);
        if (!user) throw new DomainError('not-found', `no account ${email} in tenant ${name}`);
        return user;
      },
    );
  }
}
