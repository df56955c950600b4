import {
  DomainError,
  type LoginBody,
  type RegisterBody,
  type RoleName,
  type SiteSettings,
  type UserView,
} from '@ensemble/contracts';
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

export const view = (u: UserView): UserView => ({ id: u.id, email: u.email, name: u.name, createdAt: u.createdAt });

/** A signed-in user and their role (what the routes' permission checks read, decision 124). */
export type SignedInUser = UserView & { role: RoleName };

/** A tenant's site settings (registration mode, allowed domains), read at each registration. */
export interface SiteSettingsPort {
  settings(tenant: string): Promise<SiteSettings>;
}

export const awaitingApproval = () =>
  new DomainError('forbidden', 'your account awaits an administrator’s approval; try again once approved');

/** True when `email`'s domain is allowed (an empty list allows every domain). */
export const domainAllowed = (email: string, domains: readonly string[]) =>
  domains.length === 0 || domains.includes(email.slice(email.lastIndexOf('@') + 1));

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
    private readonly site: SiteSettingsPort,
  ) {}

  /**
   * A new account, as the tenant's site settings allow (decision 124): refused under
   * 'invite' (an administrator makes accounts) and outside the allowed e-mail domains;
   * under 'approval' made but not signed in (no token) until an administrator approves it.
   */
  async register(
    tenant: string,
    body: RegisterBody,
    address: string,
  ): Promise<{ user: UserView; token: string | null }> {
    await this.countAddress(address);
    const site = await this.site.settings(tenant);
    if (site.registration === 'invite') {
      throw new DomainError(
        'forbidden',
        'registration on this site is by invitation: ask an administrator for an account',
      );
    }
    if (!domainAllowed(body.email, site.allowedEmailDomains)) {
      throw new DomainError('forbidden', 'accounts with this e-mail domain may not register here');
    }
    const approved = site.registration === 'open';
    const user: StoredUser = {
      id: `u_${randomBytes(12).toString('base64url')}`,
      tenant,
      email: body.email,
      name: body.name,
      passwordHash: await hashPassword(body.password),
      createdAt: Date.now(),
      role: 'user',
      approved,
    };
    if (!(await this.accounts.create(user))) {
      throw new DomainError('conflict', 'an account with this email already exists');
    }
    return { user: view(user), token: approved ? await this.sessions.create(tenant, user.id) : null };
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
    // Told only after the right password: who registered is not learnt by guessing.
    if (!user.approved) throw awaitingApproval();
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
   * the account's row), or an account no longer approved.
   */
  async userOf(tenant: string, token: string | undefined): Promise<SignedInUser | null> {
    if (!token) return null;
    const id = await this.sessions.userOf(tenant, token);
    const user = id ? await this.accounts.byId(tenant, id) : null;
    return user?.approved ? { ...view(user), role: user.role } : null;
  }

  private async countAddress(address: string): Promise<void> {
    if ((await this.limits.hit(keys.attemptsFrom(address))) > this.max.maxAttemptsPerAddress) {
      throw new DomainError('rate-limited', 'too many sign-in attempts from this address; try again later');
    }
  }
}
