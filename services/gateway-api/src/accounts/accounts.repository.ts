import type { RoleName, UserView } from '@ensemble/contracts';
import { guardedSql } from '@ensemble/shared';
import type { Kysely } from 'kysely';
import type { GatewayTables, UserRow } from '../db/schema.js';

export interface StoredUser extends UserView {
  passwordHash: string;
  /** The tenant whose web app the account was made on (decision 115): it signs in there only. */
  tenant: string;
  /** Its role in the tenant and whether it may sign in yet (decision 124). */
  role: RoleName;
  approved: boolean;
}

/** A new account: a 'user', approved, unless said otherwise. */
export type NewUser = Omit<StoredUser, 'role' | 'approved'> & Partial<Pick<StoredUser, 'role' | 'approved'>>;

const userOf = (r: UserRow): StoredUser => ({
  id: r.id,
  email: r.email,
  name: r.name,
  passwordHash: r.password_hash,
  createdAt: r.created_at.getTime(),
  tenant: r.tenant,
  role: r.role,
  approved: r.approved,
});

/** A new user's row. */
const userValues = (user: NewUser) => ({
  id: user.id,
  email: user.email,
  tenant: user.tenant,
  name: user.name,
  password_hash: user.passwordHash,
  created_at: new Date(user.createdAt),
  role: user.role ?? 'user',
  approved: user.approved ?? true,
});

/**
 * Users in PostgreSQL (`users`), one per email within a tenant (unique index on tenant and
 * email, migration 004): the same email may have an account in each tenant. Every lookup
 * names the tenant, so no query finds another tenant's account.
 */
export class AccountsRepository {
  constructor(private readonly db: Kysely<GatewayTables>) {}

  /** False when the email is taken in the tenant: the unique index decides, so two sign-ups with one email cannot both win. */
  async create(user: NewUser): Promise<boolean> {
    const row = await guardedSql('register', () =>
      this.db
        .insertInto('users')
        .values(userValues(user))
        .onConflict((oc) => oc.columns(['tenant', 'email']).doNothing())
        .returning('id')
        .executeTakeFirst(),
    );
    return row !== undefined;
  }

  async byEmail(tenant: string, email: string): Promise<StoredUser | null> {
    const row = await guardedSql('login', () =>
      this.db
        .selectFrom('users')
        .selectAll()
        .where('tenant', '=', tenant)
        .where('email', '=', email)
        .executeTakeFirst(),
    );
    return row ? userOf(row) : null;
  }

  /** The user, if it is one of this tenant's: a session shown on another tenant's host finds nobody. */
  async byId(tenant: string, id: string): Promise<StoredUser | null> {
    const row = await guardedSql('user', () =>
      this.db.selectFrom('users').selectAll().where('id', '=', id).where('tenant', '=', tenant).executeTakeFirst(),
    );
    return row ? userOf(row) : null;
  }

  /** The account an OpenID Provider's subject signed in as on this tenant (decision 120), never found by e-mail. */
  async byOidc(tenant: string, issuer: string, sub: string): Promise<StoredUser | null> {
    const row = await guardedSql('oidc login', () =>
      this.db
        .selectFrom('users')
        .selectAll()
        .where('tenant', '=', tenant)
        .where('oidc_issuer', '=', issuer)
        .where('oidc_sub', '=', sub)
        .executeTakeFirst(),
    );
    return row ? userOf(row) : null;
  }

  /**
   * A new account linked to the provider's subject, without a password. False when the
   * e-mail is taken in the tenant (or the subject was linked at the same moment): the
   * unique indexes decide.
   */
  async createOidc(user: NewUser, issuer: string, sub: string, idpRole: string): Promise<boolean> {
    const row = await guardedSql('oidc register', () =>
      this.db
        .insertInto('users')
        .values({
          ...userValues(user),
          oidc_issuer: issuer,
          oidc_sub: sub,
          idp_role: idpRole,
        })
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .executeTakeFirst(),
    );
    return row !== undefined;
  }

  /**
   * The role the provider's claim mapped to at this sign-in; with `syncRole` (the tenant
   * reads a role claim) it becomes the account's role too (decision 124).
   */
  async setIdpRole(id: string, role: RoleName, syncRole: boolean): Promise<void> {
    await guardedSql('oidc login', () =>
      this.db
        .updateTable('users')
        .set({ idp_role: role, ...(syncRole ? { role } : {}) })
        .where('id', '=', id)
        .execute(),
    );
  }

  /** Deletes the user; their rooms go with them (ON DELETE CASCADE), and so do their links. */
  async remove(id: string): Promise<boolean> {
    const r = await guardedSql('delete user', () =>
      this.db.deleteFrom('users').where('id', '=', id).executeTakeFirst(),
    );
    return r.numDeletedRows > 0n;
  }
}
