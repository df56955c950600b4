import { DomainError, type Permissions, type RoleName } from '@ensemble/contracts';
import { PermissionChecks } from './permissions.js';
import { DEFAULT_PERMISSIONS } from './roles.repository.js';

const checksWith = (perms: Partial<Record<RoleName, Partial<Permissions>>>, owned = 0) =>
  new PermissionChecks({
    permissions: (_t, role) => Promise.resolve({ ...DEFAULT_PERMISSIONS[role], ...perms[role] }),
    ownedRooms: () => Promise.resolve(owned),
  });

describe('PermissionChecks', () => {
  it('lets a user create rooms and refuses a guest, naming the permission', async () => {
    const checks = checksWith({});
    await expect(checks.mayCreateRoom('t', { id: 'u', role: 'user' })).resolves.toBeUndefined();
    await expect(checks.mayCreateRoom('t', { id: 'u', role: 'guest' })).rejects.toEqual(
      new DomainError('forbidden', 'your role (guest) may not create rooms (permission createRooms)'),
    );
  });

  it('holds the room limit: below it passes, at it refuses', async () => {
    await expect(
      checksWith({ user: { roomLimit: 2 } }, 1).mayCreateRoom('t', { id: 'u', role: 'user' }),
    ).resolves.toBeUndefined();
    await expect(
      checksWith({ user: { roomLimit: 2 } }, 2).mayCreateRoom('t', { id: 'u', role: 'user' }),
    ).rejects.toThrow('your role (user) may own at most 2 rooms (roomLimit): delete one first');
    await expect(
      checksWith({ user: { roomLimit: 0 } }, 0).mayCreateRoom('t', { id: 'u', role: 'user' }),
    ).rejects.toThrow('at most 0 rooms');
  });

  it('requires each management permission of its role', async () => {
    const checks = checksWith({});
    await expect(checks.require('t', { role: 'administrator' }, 'manageSiteSettings')).resolves.toMatchObject({
      manageSiteSettings: true,
    });
    await expect(checks.require('t', { role: 'user' }, 'manageUsers')).rejects.toThrow(
      'your role (user) may not manage users (permission manageUsers)',
    );
  });
});
