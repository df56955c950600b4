import { DEFAULT_TENANT } from '@ensemble/shared';

/**
 * Every Redis key the accounts module owns: hot state that may be lost (a lost session
 * signs someone out). Users themselves live in PostgreSQL (accounts.repository.ts).
 *
 *   <p>session:<sha256 hex>                  string: the user id, expires with the session
 *   <p>session@<tenant>:<sha256 hex>         the same, for a session made on a tenant's host
 *   <p>rl:account:<email>                    counter of failed logins in the window
 *   <p>rl:account@<tenant>:<email>           the same, for an account of a tenant
 *   <p>rl:address:<ip>                       counter of login/register attempts in the window
 *
 * A tenant's keys carry its name (decision 115): a session is found only on the tenant it
 * was made for, and failed logins on one tenant do not lock the same email out of another.
 * The default tenant's keys are those from before tenants, so sessions survive the upgrade.
 */
export const KEY_PREFIX = 'ens:gw:acct:';

/** `kind` for the default tenant, `kind@tenant` for any other (a tenant name has no `@` or `:`). */
const of = (kind: string, tenant: string) => (tenant === DEFAULT_TENANT ? kind : `${kind}@${tenant}`);

export const keys = {
  session: (tenant: string, tokenHash: string) => `${KEY_PREFIX}${of('session', tenant)}:${tokenHash}`,
  failuresOf: (tenant: string, email: string) => `${KEY_PREFIX}rl:${of('account', tenant)}:${email}`,
  attemptsFrom: (address: string) => `${KEY_PREFIX}rl:address:${address}`,
} as const;
