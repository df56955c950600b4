import { DomainError, type PermissionName, type Permissions, type RoleName } from '@ensemble/contracts';

/** What the checks read: a role's permissions and how many rooms a user owns. */
export interface PermissionsPort {
  permissions(tenant: string, role: RoleName): Promise<Permissions>;
  ownedRooms(userId: string): Promise<number>;
}

/** How a 403 names a permission (the API's field names). */
const LABELS: Record<PermissionName, string> = {
  createRooms: 'create rooms',
  manageUsers: 'manage users',
  manageRooms: 'manage rooms',
  manageRecordings: 'manage recordings',
  manageSiteSettings: 'manage site settings',
  shareRooms: 'share rooms',
};

/**
 * A signed-in user's permissions, by their role in their tenant (decision 124), read at each
 * check: an administrator's change applies to the next request, no session is re-made.
 */
export class PermissionChecks {
  constructor(private readonly roles: PermissionsPort) {}

  /** Refused (403 `forbidden`, naming the role and the permission) unless the role has it. */
  async require(tenant: string, user: { role: RoleName }, permission: PermissionName): Promise<Permissions> {
    const p = await this.roles.permissions(tenant, user.role);
    if (!p[permission]) {
      throw new DomainError(
        'forbidden',
        `your role (${user.role}) may not ${LABELS[permission]} (permission ${permission})`,
      );
    }
    return p;
  }

  /**
   * Creating a room: `createRooms`, and fewer rooms owned than the role's `roomLimit`. The
   * count is read before the insert: two creations at the same instant may both pass at the
   * limit (one room over it, never more per racing request): a limit, not a quota ledger.
   */
  async mayCreateRoom(tenant: string, user: { id: string; role: RoleName }): Promise<void> {
    const p = await this.require(tenant, user, 'createRooms');
    if (p.roomLimit !== null && (await this.roles.ownedRooms(user.id)) >= p.roomLimit) {
      throw new DomainError(
        'forbidden',
        `your role (${user.role}) may own at most ${p.roomLimit} room${p.roomLimit === 1 ? '' : 's'} (roomLimit): delete one first`,
      );
    }
  }
}
