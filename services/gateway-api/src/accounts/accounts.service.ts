import { DomainError, type LoginBody, type RegisterBody, type UserView } from '@ensemble/contracts';
import { randomBytes } from 'node:crypto';
import type { AccountsRepository, StoredUser } from './accounts.repository.js';
import { keys } from './keys.js';
import { dummyHash, hashPassword, verifyPassword } from './password.js';
import type { RateLimitStore } from './rate-limit.store.js';
import type { SessionsStore } from './sessions.store.js';

export interface Limits {
  maxFailuresPerAccount: number;
  maxAttemptsPerAddress: number;
}

const view = (u: StoredUser): UserView => ({ id: u.id, email: u.email, name: u.name, createdAt: u.createdAt });

/**
 * Registration, login and sessions. Passwords only ever meet scrypt here. Everything
 * happens within one tenant (the web app's host names it, decision 115): an account, its
 * sessions and its failed logins are that tenant's, and another tenant's are never found.
 */
export class AccountsService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly sessions: SessionsStore,
    private readonly limits: RateLimitStore,
    private readonly max: Limits,
  ) {}

  async register(tenant: string, body: RegisterBody, address: string): Promise<{ user: UserView; token: string }> {
    await this.countAddress(address);
    const user: StoredUser = {
      id: `u_${randomBytes(12).toString('base64url')}`,
      tenant,
      email: body.email,
      name: body.name,
      passwordHash: await hashPassword(body.password),
      createdAt: Date.now(),
    };
    if (!(await this.accounts.create(user))) {
      throw new DomainError('conflict', 'an account with this email already exists');
    }
    return { user: view(user), token: await this.sessions.create(tenant, user.id) };
  }

  /** A new session on every login (the old one, if any, is dropped by the caller). */
  async login(tenant: string, body: LoginBody, address: string): Promise<{ user: UserView; token: string }> {
    await this.countAddress(address);
    const failures = keys.failuresOf(tenant, body.email);
    if ((await this.limits.count(failures)) >= this.max.maxFailuresPerAccount) {
      throw new DomainError('rate-limited', 'too many failed sign-ins for this account; try again later');
    }
    const user = await this.accounts.byEmail(tenant, body.email);
    // Unknown emails cost one scrypt too, so timing does not tell which emails exist.
    // An account of the tenant's provider has no password (`!oidc`): it fails as slowly as an unknown one.
    const hash = user?.passwordHash.startsWith('scrypt$') ? user.passwordHash : await dummyHash();
    const ok = await verifyPassword(body.password, hash);
    if (!user || !ok) {
      await this.limits.hit(failures);
      throw new DomainError('unauthorized', 'wrong email or password');
    }
    await this.limits.reset(failures);
    return { user: view(user), token: await this.sessions.create(tenant, user.id) };
  }

  /** A session for an account another way of signing in found (OpenID Connect, decision 120). */
  startSession(tenant: string, userId: string): Promise<string> {
    return this.sessions.create(tenant, userId);
  }

  async logout(tenant: string, token: string | undefined): Promise<void> {
    if (token) await this.sessions.destroy(tenant, token);
  }

  /**
   * The signed-in user, or null (no cookie, expired or unknown session, deleted user, a
   * session or an account of another tenant: checked twice, by the session's key and by
   * the account's row).
   */
  async userOf(tenant: string, token: string | undefined): Promise<UserView | null> {
    if (!token) return null;
    const id = await this.sessions.userOf(tenant, token);
    const user = id ? await this.accounts.byId(tenant, id) : null;
    return user ? view(user) : null;
  }

  private async countAddress(address: string): Promise<void> {
    if ((await this.limits.hit(keys.attemptsFrom(address))) > this.max.maxAttemptsPerAddress) {
      throw new DomainError('rate-limited', 'too many sign-in attempts from this address; try again later');
    }
  }
}
