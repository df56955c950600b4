import { sql, type Kysely } from 'kysely';

/**
 * Roles, permissions and site settings per tenant (issue 20, decision 124). Forward only.
 *
 * `roles`: what each of a tenant's three roles may do (administrator, user, guest: the names
 * are fixed, their permissions editable). A trigger gives every new tenant the defaults, so
 * no code path that makes a tenant can forget them; existing tenants get them here.
 * `site_settings`: a tenant's registration mode, allowed e-mail domains and default
 * recording visibility (one row per tenant, made by the same trigger).
 * `users.role`: the account's role (existing accounts: 'user'); `users.approved`: false while
 * an account made under 'approval' registration waits for an administrator.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('roles')
    .addColumn('tenant', 'text', (c) => c.notNull().references('tenants.name').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull().check(sql`name IN ('administrator', 'user', 'guest')`))
    .addColumn('create_rooms', 'boolean', (c) => c.notNull().defaultTo(false))
    // Null: no limit.
    .addColumn('room_limit', 'integer', (c) => c.check(sql`room_limit >= 0`))
    .addColumn('manage_users', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('manage_rooms', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('manage_recordings', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('manage_site_settings', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('share_rooms', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('roles_pkey', ['tenant', 'name'])
    .execute();

  await db.schema
    .createTable('site_settings')
    .addColumn('tenant', 'text', (c) => c.primaryKey().references('tenants.name').onDelete('cascade'))
    .addColumn('registration', 'text', (c) =>
      c
        .notNull()
        .defaultTo('open')
        .check(sql`registration IN ('open', 'invite', 'approval')`),
    )
    // Lower case; empty: every domain.
    .addColumn('allowed_email_domains', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    // The recording visibility a new room starts with (decision 125's states).
    .addColumn('default_recording_visibility', 'text', (c) =>
      c
        .notNull()
        .defaultTo('unlisted')
        .check(sql`default_recording_visibility IN ('public', 'unlisted', 'protected', 'private')`),
    )
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await sql`
    CREATE FUNCTION seed_tenant_roles() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO roles (tenant, name, create_rooms, room_limit, manage_users, manage_rooms,
                         manage_recordings, manage_site_settings, share_rooms)
      VALUES (NEW.name, 'administrator', true, NULL, true, true, true, true, true),
             (NEW.name, 'user', true, NULL, false, false, false, false, true),
             (NEW.name, 'guest', false, NULL, false, false, false, false, false)
      ON CONFLICT DO NOTHING;
      INSERT INTO site_settings (tenant) VALUES (NEW.name) ON CONFLICT DO NOTHING;
      RETURN NEW;
    END $$`.execute(db);
  await sql`CREATE TRIGGER tenants_seed_roles AFTER INSERT ON tenants FOR EACH ROW EXECUTE FUNCTION seed_tenant_roles()`.execute(
    db,
  );
  // Tenants that exist already: the same rows, as if each had just been inserted.
  await sql`
    INSERT INTO roles (tenant, name, create_rooms, room_limit, manage_users, manage_rooms,
                       manage_recordings, manage_site_settings, share_rooms)
    SELECT t.name, d.name, d.create_rooms, NULL, d.manage, d.manage, d.manage, d.manage, d.share_rooms
    FROM tenants t CROSS JOIN (VALUES ('administrator', true, true, true), ('user', true, false, true),
                                      ('guest', false, false, false)) AS d(name, create_rooms, manage, share_rooms)`.execute(
    db,
  );
  await sql`INSERT INTO site_settings (tenant) SELECT name FROM tenants`.execute(db);

  await db.schema
    .alterTable('users')
    .addColumn('role', 'text', (c) =>
      c
        .notNull()
        .defaultTo('user')
        .check(sql`role IN ('administrator', 'user', 'guest')`),
    )
    .addColumn('approved', 'boolean', (c) => c.notNull().defaultTo(true))
    .execute();
}
