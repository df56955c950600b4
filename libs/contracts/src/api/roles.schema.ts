import { z } from 'zod';
import { userViewSchema } from './account.schema.js';
import { domainSchema, roleNameSchema } from './identity.schema.js';
import { recordingVisibilitySchema } from './room.schema.js';

/**
 * Roles, permissions and site settings of a tenant (issue 20, decision 124), as Greenlight v3
 * has them: three roles by fixed name, each one's permissions editable by an administrator.
 */
export const permissionsSchema = z.object({
  createRooms: z.boolean(),
  /** At most this many rooms owned; null: no limit. */
  roomLimit: z.number().int().min(0).max(100_000).nullable(),
  manageUsers: z.boolean(),
  manageRooms: z.boolean(),
  manageRecordings: z.boolean(),
  manageSiteSettings: z.boolean(),
  shareRooms: z.boolean(),
});
export type Permissions = z.infer<typeof permissionsSchema>;
/** The boolean permissions, by name (what a 403 names). */
export type PermissionName = Exclude<keyof Permissions, 'roomLimit'>;

export const roleViewSchema = permissionsSchema.extend({ name: roleNameSchema });
export type RoleView = z.infer<typeof roleViewSchema>;

/** `PUT /api/admin/roles/:name`: the permissions to change, the others kept. */
export const updateRoleBodySchema = permissionsSchema
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'give at least one permission');
export type UpdateRoleBody = z.infer<typeof updateRoleBodySchema>;

/**
 * How accounts are made: `open` (anyone registers), `invite` (only an administrator makes
 * accounts; self-registration and first sign-ins through the provider are refused),
 * `approval` (anyone registers, but signs in only once an administrator approved them).
 */
export const REGISTRATION_MODES = ['open', 'invite', 'approval'] as const;
export const registrationModeSchema = z.enum(REGISTRATION_MODES);
export type RegistrationMode = z.infer<typeof registrationModeSchema>;

export const siteSettingsSchema = z.object({
  registration: registrationModeSchema,
  /** Lower case; empty: every domain (local registration; the provider has its own list). */
  allowedEmailDomains: z.array(domainSchema).max(50),
  /** The recording visibility a new room starts with (decision 125); its owner may change it. */
  defaultRecordingVisibility: recordingVisibilitySchema,
});
export type SiteSettings = z.infer<typeof siteSettingsSchema>;

export const updateSiteSettingsBodySchema = siteSettingsSchema
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'give at least one setting');
export type UpdateSiteSettingsBody = z.infer<typeof updateSiteSettingsBodySchema>;

/** A user as an administrator sees them. Never a hash. */
export const adminUserViewSchema = userViewSchema.extend({
  role: roleNameSchema,
  approved: z.boolean(),
  /** Signs in through the tenant's identity provider (no password). */
  oidc: z.boolean(),
});
export type AdminUserView = z.infer<typeof adminUserViewSchema>;

/** `PATCH /api/admin/users/:id`. */
export const updateAdminUserBodySchema = z
  .object({ role: roleNameSchema, approved: z.boolean() })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'give role and/or approved');
export type UpdateAdminUserBody = z.infer<typeof updateAdminUserBodySchema>;

/** `PUT /api/ops/tenants/:name/users/:email/role`. */
export const setUserRoleBodySchema = z.object({ role: roleNameSchema }).strict();

/** `GET /api/me`: the user, their role and what it allows (the web app shows its admin area by it). */
export const meReplySchema = z.object({ user: userViewSchema, role: roleNameSchema, permissions: permissionsSchema });
export type MeReply = z.infer<typeof meReplySchema>;

/** The admin API's list answers. */
export const adminUsersReplySchema = z.object({ users: z.array(adminUserViewSchema) });
export const rolesReplySchema = z.object({ roles: z.array(roleViewSchema) });
export const adminRoomSchema = z.object({
  id: z.string(),
  name: z.string(),
  engine: z.enum(['bbb', 'jitsi']),
  createdAt: z.number().int(),
  owner: z.object({ id: z.string(), email: z.string(), name: z.string() }),
});
export type AdminRoom = z.infer<typeof adminRoomSchema>;
export const adminRoomsReplySchema = z.object({ rooms: z.array(adminRoomSchema) });
/** `POST /api/auth/register` under registration with approval (202): made, not signed in. */
export const pendingApprovalReplySchema = z.object({ user: userViewSchema, pendingApproval: z.literal(true) });
