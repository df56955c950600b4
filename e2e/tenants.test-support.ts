import { contracts } from '@ensemble/contracts';
import type { NatsBus } from '@ensemble/shared';
import { randomBytes } from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import { Client as Pg } from 'pg';
import { Agent } from 'undici';

/** The TENANT_BASE_DOMAIN of the tenant suites: `.test` is reserved, never a real name (RFC 2606). */
export const TENANT_BASE_DOMAIN = 'tenants.test';

/**
 * Adds a tenant with one BBB API secret as an operator's tool leaves it: its rows in the
 * gateway's tables (`tenants`, `tenant_secrets`), and the change announced on NATS, which
 * every gateway answers by reading the tenants again. Answers the secret.
 */
export async function addTenant(databaseUrl: string, bus: NatsBus, name: string): Promise<string> {
  const secret = randomBytes(24).toString('base64url');
  const pg = new Pg({ connectionString: databaseUrl });
  await pg.connect();
  try {
    await pg.query('INSERT INTO tenants (name, display_name) VALUES ($1, $1)', [name]);
    await pg.query('INSERT INTO tenant_secrets (id, tenant, secret) VALUES ($1, $2, $3)', [
      `sec_${randomBytes(6).toString('hex')}`,
      name,
      secret,
    ]);
  } finally {
    await pg.end();
  }
  bus.publish(contracts.tenantsChanged, { tenant: name, change: 'added' });
  return secret;
}

/**
 * Connects every host name to loopback: tenants reached by their host names
 * (`<tenant>.tenants.test`) with no DNS, the name still sent as Host and as TLS SNI.
 */
export function loopbackAgent(connect: { ca?: Buffer | string } = {}): Agent {
  return new Agent({
    connect: {
      ...connect,
      lookup: (
        _host: string,
        opts: { all?: boolean },
        cb: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
      ) => (opts.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)),
    },
  });
}
