import { Body, Controller, Get, Inject, Param, Patch, Put, Req, UseGuards } from '@nestjs/common';
import { CONFIG } from '@ensemble/shared';
import {
  DomainError,
  roleNameSchema,
  updateAdminUserBodySchema,
  updateRoleBodySchema,
  updateSiteSettingsBodySchema,
  type AdminUserView,
  type PermissionName,
  type RoleView,
  type SiteSettings,
} from '@ensemble/contracts';
import type { FastifyRequest } from 'fastify';
import type { SignedInUser } from '../accounts/accounts.service.js';
import { OriginGuard } from '../accounts/origin.guard.js';
import { CurrentUser, SessionGuard } from '../accounts/session.guard.js';
import { WebTenants } from '../accounts/web-tenant.js';
import { parseInput } from '../http/parse.js';
import type { GatewayConfig } from '../config.js';
import { roomProtects } from '../playback/recording-visibility.js';
import { PermissionChecks } from './permissions.js';
import { RolesRepository } from './roles.repository.js';

const USER_ID = /^u_[A-Za-z0-9_-]{1,64}$/;

/**
 * `/api/admin/*` (decision 124): a tenant's users, rooms, roles and site settings, for a
 * signed-in user whose role has the permission; always the session's tenant (the host's),
 * so another tenant's users are never listed nor changed (a foreign id is a 404).
 */
@Controller('api/admin')
@UseGuards(OriginGuard, SessionGuard)
export class AdminController {
  constructor(
    private readonly roles: RolesRepository,
    private readonly checks: PermissionChecks,
    private readonly tenants: WebTenants,
    @Inject(CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get('users')
  async users(@CurrentUser() user: SignedInUser, @Req() req: FastifyRequest): Promise<{ users: AdminUserView[] }> {
    return { users: await this.roles.users(await this.tenantFor(req, user, 'manageUsers')) };
  }

  /**
   * Role and/or approval. An administrator cannot demote themselves (the tenant would risk
   * having none left to undo it; another administrator or an operator can).
   */
  @Patch('users/:id')
  async updateUser(
    @CurrentUser() user: SignedInUser,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
  ): Promise<AdminUserView> {
    const tenant = await this.tenantFor(req, user, 'manageUsers');
    const change = parseInput(updateAdminUserBodySchema, body);
    if (id === user.id && ((change.role !== undefined && change.role !== user.role) || change.approved === false)) {
      throw new DomainError('forbidden', 'you cannot change your own role or approval: ask another administrator');
    }
    const updated = USER_ID.test(id) ? await this.roles.updateUser(tenant, id, change) : null;
    if (!updated) throw new DomainError('not-found', 'no such user here');
    return updated;
  }

  @Get('rooms')
  async rooms(@CurrentUser() user: SignedInUser, @Req() req: FastifyRequest) {
    return { rooms: await this.roles.rooms(await this.tenantFor(req, user, 'manageRooms')) };
  }

  @Get('roles')
  async listRoles(@CurrentUser() user: SignedInUser, @Req() req: FastifyRequest): Promise<{ roles: RoleView[] }> {
    return { roles: await this.roles.roles(await this.tenantFor(req, user, 'manageUsers')) };
  }

  @Get('roles/:name')
  async role(
    @CurrentUser() user: SignedInUser,
    @Param('name') name: string,
    @Req() req: FastifyRequest,
  ): Promise<RoleView> {
    const tenant = await this.tenantFor(req, user, 'manageUsers');
    return this.roles.role(tenant, roleOf(name));
  }

  /** Only the permissions given change. */
  @Put('roles/:name')
  async updateRole(
    @CurrentUser() user: SignedInUser,
    @Param('name') name: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
  ): Promise<RoleView> {
    const tenant = await this.tenantFor(req, user, 'manageUsers');
    const role = roleOf(name);
    const change = parseInput(updateRoleBodySchema, body);
    // The administrator role keeps what its holders need to undo any change (no lock-out).
    if (role === 'administrator' && (change.manageUsers === false || change.manageSiteSettings === false)) {
      throw new DomainError('invalid-input', 'the administrator role keeps manageUsers and manageSiteSettings');
    }
    return this.roles.updateRole(tenant, role, change);
  }

  @Get('settings')
  async settings(@CurrentUser() user: SignedInUser, @Req() req: FastifyRequest): Promise<SiteSettings> {
    return this.roles.settings(await this.tenantFor(req, user, 'manageSiteSettings'));
  }

  @Put('settings')
  async updateSettings(
    @CurrentUser() user: SignedInUser,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
  ): Promise<SiteSettings> {
    const tenant = await this.tenantFor(req, user, 'manageSiteSettings');
    const change = parseInput(updateSiteSettingsBodySchema, body);
    // As for a room (decision 125): without a key, no link could play its recordings.
    if (roomProtects(change.defaultRecordingVisibility ?? null) && !this.config.RECORDINGS_PLAYBACK_SECRET) {
      throw new DomainError(
        'invalid-input',
        'defaultRecordingVisibility: protected and private recordings need RECORDINGS_PLAYBACK_SECRET on this installation',
      );
    }
    return this.roles.updateSettings(tenant, change);
  }

  /** The host's tenant (the session was checked against it), once the role has the permission. */
  private async tenantFor(req: FastifyRequest, user: SignedInUser, permission: PermissionName): Promise<string> {
    const tenant = this.tenants.of(req);
    await this.checks.require(tenant, user, permission);
    return tenant;
  }
}

const roleOf = (raw: string) => {
  const r = roleNameSchema.safeParse(raw);
  if (!r.success) throw new DomainError('not-found', 'no such role: administrator, user or guest');
  return r.data;
};
