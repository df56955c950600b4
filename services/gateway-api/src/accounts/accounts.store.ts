import { guarded } from '@ensemble/shared';
import type { Redis } from 'ioredis';
import type { UserView } from '@ensemble/contracts';
import { defineLuaScript as defineScript, type LuaScript as Script } from '@ensemble/shared';
import { KEY_PREFIX, keys } from './keys.js';

export interface StoredUser extends UserView {
  passwordHash: string;
}

/** Users and their unique emails in Redis. */
export class AccountsStore {
  private readonly registerUser: Script;

  constructor(private readonly redis: Redis) {
    this.registerUser = defineScript(redis, 'register-user', new URL('./lua/register-user.lua', import.meta.url));
  }

  /** False when the email is taken. */
  async create(user: StoredUser): Promise<boolean> {
    const created = await guarded('register', () =>
      this.registerUser(KEY_PREFIX, user.id, user.email, user.name, user.passwordHash, user.createdAt),
    );
    return created === 1;
  }

  async byEmail(email: string): Promise<StoredUser | null> {
    const id = await guarded('login', () => this.redis.get(keys.email(email)));
    return id ? this.byId(id) : null;
  }

  async byId(id: string): Promise<StoredUser | null> {
    const h = await guarded('user', () => this.redis.hgetall(keys.user(id)));
    if (!h.id || !h.email || !h.passwordHash) return null;
    return {
      id: h.id,
      email: h.email,
      name: h.name ?? '',
      passwordHash: h.passwordHash,
      createdAt: Number(h.createdAt),
    };
  }
}
