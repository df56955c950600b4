import type { UserView } from '@ensemble/contracts';
import { guardedSql } from '@ensemble/shared';
import type { Kysely } from 'kysely';
import type { GatewayTables, UserRow } from '../db/schema.js';

export interface StoredUser extends UserView {
  passwordHash: string;
}

const userOf = (r: UserRow): StoredUser => ({
  id: r.id,
  email: r.email,
  name: r.name,
  passwordHash: r.password_hash,
  createdAt: r.created_at.getTime(),
});

/** Users in PostgreSQL (`users`), one per email (unique index). */
export class AccountsRepository {
  constructor(private readonly db: Kysely<GatewayTables>) {}

  /** False when the email is taken: the unique index decides, so two sign-ups with one email cannot both win. */
  async create(user: StoredUser): Promise<boolean> {
    const row = await guardedSql('register', () =>
      this.db
        .insertInto('users')
        .values({
          id: user.id,
          email: user.email,
          name: user.name,
          password_hash: user.passwordHash,
          created_at: new Date(user.createdAt),
        })
        .onConflict((oc) => oc.columns(['tenant', 'email']).doNothing())
        .returning('id')
        .executeTakeFirst(),
    );
    return row !== undefined;
  }

  async byEmail(email: string): Promise<StoredUser | null> {
    const row = await guardedSql('login', () =>
      this.db
        .selectFrom('users')
        .selectAll()
        .where('tenant', '=', 'default')
        .where('email', '=', email)
        .executeTakeFirst(),
    );
    return row ? userOf(row) : null;
  }

  async byId(id: string): Promise<StoredUser | null> {
    const row = await guardedSql('user', () =>
      this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row ? userOf(row) : null;
  }

  /** Deletes the user; their rooms go with them (ON DELETE CASCADE), and so do their links. */
  async remove(id: string): Promise<boolean> {
    const r = await guardedSql('delete user', () =>
      this.db.deleteFrom('users').where('id', '=', id).executeTakeFirst(),
    );
    return r.numDeletedRows > 0n;
  }
}
