import type {
  AdminUserView,
  Permissions,
  RoleName,
  RoleView,
  SiteSettings,
  UpdateAdminUserBody,
  UpdateRoleBody,
  UpdateSiteSettingsBody,
} from '@ensemble/contracts';
import { ROLE_NAMES } from '@ensemble/contracts';
import { guardedSql } from '@ensemble/shared';
import type { Kysely } from 'kysely';
import type { GatewayTables, RoleRow, UserRow } from '../db/schema.js';

/** A tenant without a row (none should be: a trigger seeds them) is treated as the defaults. */
export const DEFAULT_PERMISSIONS: Record<RoleName, Permissions> = {
  administrator: {
    createRooms: true,
    roomLimit: null,
    manageUsers: true,
    manageRooms: true,
    manageRecordings: true,
    manageSiteSettings: true,
    shareRooms: true,
  },
  user: {
    createRooms: true,
    roomLimit: null,
    manageUsers: false,
    manageRooms: false,
    manageRecordings: false,
    manageSiteSettings: false,
    shareRooms: true,
  },
  guest: {
    createRooms: false,
    roomLimit: null,
    manageUsers: false,
    manageRooms: false,
    manageRecordings: false,
    manageSiteSettings: false,
    shareRooms: false,
  },
};
export const DEFAULT_SITE_SETTINGS: SiteSettings = {
  registration: 'open',
  allowedEmailDomains: [],
  defaultRecordingVisibility: 'unlisted',
};

const permissionsOf = (r: RoleRow): Permissions => ({
  createRooms: r.create_rooms,
  roomLimit: r.room_limit,
  manageUsers: r.manage_users,
  manageRooms: r.manage_rooms,
  manageRecordings: r.manage_recordings,
  manageSiteSettings: r.manage_site_settings,
  shareRooms: r.share_rooms,
});

export const adminViewOf = (r: UserRow): AdminUserView => ({
  id: r.id,
  email: r.email,
  name: r.name,
  createdAt: r.created_at.getTime(),
  role: r.role,
  approved: r.approved,
  oidc: r.oidc_sub !== null,
});

/**
 * A tenant's roles, site settings and the users' roles (decision 124), in PostgreSQL
 * (`roles`, `site_settings`, `users.role`/`approved`). Every query names the tenant.
 */
export class RolesRepository {
  constructor(private readonly db: Kysely<GatewayTables>) {}

  async permissions(tenant: string, role: RoleName): Promise<Permissions> {
    const row = await guardedSql('role', () =>
      this.db.selectFrom('roles').selectAll().where('tenant', '=', tenant).where('name', '=', role).executeTakeFirst(),
    );
    return row ? permissionsOf(row) : DEFAULT_PERMISSIONS[role];
  }

  async role(tenant: string, role: RoleName): Promise<RoleView> {
    return { name: role, ...(await this.permissions(tenant, role)) };
  }

  async roles(tenant: string): Promise<RoleView[]> {
    return Promise.all(ROLE_NAMES.map((n) => this.role(tenant, n)));
  }

  /** Upsert: the change over what is stored (or the defaults). */
  async updateRole(tenant: string, name: RoleName, change: UpdateRoleBody): Promise<RoleView> {
    const p = { ...(await this.permissions(tenant, name)), ...change };
    const row = {
      create_rooms: p.createRooms,
      room_limit: p.roomLimit,
      manage_users: p.manageUsers,
      manage_rooms: p.manageRooms,
      manage_recordings: p.manageRecordings,
      manage_site_settings: p.manageSiteSettings,
      share_rooms: p.shareRooms,
      updated_at: new Date(),
    };
    await guardedSql('update role', () =>
      this.db
        .insertInto('roles')
        .values({ tenant, name, ...row })
        .onConflict((oc) => oc.columns(['tenant', 'name']).doUpdateSet(row))
        .execute(),
    );
    return { name, ...p };
  }

  async settings(tenant: string): Promise<SiteSettings> {
    const row = await guardedSql('site settings', () =>
      this.db.selectFrom('site_settings').selectAll().where('tenant', '=', tenant).executeTakeFirst(),
    );
    return row
      ? {
          registration: row.registration,
          allowedEmailDomains: row.allowed_email_domains,
          defaultRecordingVisibility: row.default_recording_visibility,
        }
      : DEFAULT_SITE_SETTINGS;
  }

  async updateSettings(tenant: string, change: UpdateSiteSettingsBody): Promise<SiteSettings> {
    const s = { ...(await this.settings(tenant)), ...change };
    const row = {
      registration: s.registration,
      allowed_email_domains: [...new Set(s.allowedEmailDomains)],
      default_recording_visibility: s.defaultRecordingVisibility,
      updated_at: new Date(),
    };
    await guardedSql('update site settings', () =>
      this.db
        .insertInto('site_settings')
        .values({ tenant, ...row })
        .onConflict((oc) => oc.column('tenant').doUpdateSet(row))
        .execute(),
    );
    return { ...s, allowedEmailDomains: row.allowed_email_domains };
  }

  /** The tenant's users, oldest first (at most 1000). */
  async users(tenant: string): Promise<AdminUserView[]> {
    const rows = await guardedSql('users', () =>
      this.db
        .selectFrom('users')
        .selectAll()
        .where('tenant', '=', tenant)
        .orderBy('created_at')
        .orderBy('id')
        .limit(1000)
        .execute(),
    );
    return rows.map(adminViewOf);
  }

  /** Null when no such user is the tenant's. */
  async updateUser(tenant: string, id: string, change: UpdateAdminUserBody): Promise<AdminUserView | null> {
    const row = await guardedSql('update user', () =>
      this.db
        .updateTable('users')
        .set({
          ...(change.role !== undefined ? { role: change.role } : {}),
          ...(change.approved !== undefined ? { approved: change.approved } : {}),
        })
        .where('tenant', '=', tenant)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    );
    return row ? adminViewOf(row) : null;
  }

  /** The operator's way to the first administrator; null when the tenant has no such account. */
  async setRoleByEmail(tenant: string, email: string, role: RoleName): Promise<AdminUserView | null> {
    const row = await guardedSql('set role', () =>
      this.db
        .updateTable('users')
        .set({ role, approved: true })
        .where('tenant', '=', tenant)
        .where('email', '=', email)
        .returningAll()
        .executeTakeFirst(),
    );
    return row ? adminViewOf(row) : null;
  }

  async ownedRooms(userId: string): Promise<number> {
    const r = await guardedSql('rooms count', () =>
      this.db
        .selectFrom('rooms')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('owner_id', '=', userId)
        .executeTakeFirstOrThrow(),
    );
    return Number(r.n);
  }

  /** Every room of the tenant's users, newest first (at most 1000), with its owner. */
  async rooms(tenant: string) {
    const rows = await guardedSql('admin rooms', () =>
      this.db
        .selectFrom('rooms')
        .innerJoin('users', 'users.id', 'rooms.owner_id')
        .select([
          'rooms.id',
          'rooms.name',
          'rooms.engine',
          'rooms.created_at',
          'users.id as owner_id',
          'users.email as owner_email',
          'users.name as owner_name',
        ])
        .where('users.tenant', '=', tenant)
        .orderBy('rooms.created_at', 'desc')
        .limit(1000)
        .execute(),
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      engine: r.engine,
      createdAt: r.created_at.getTime(),
      owner: { id: r.owner_id, email: r.owner_email, name: r.owner_name },
    }));
  }
}
