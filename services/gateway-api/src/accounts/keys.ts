/**
 * Every Redis key the accounts module owns: hot state that may be lost (a lost session
 * signs someone out). Users themselves live in PostgreSQL (accounts.repository.ts).
 *
 *   <p>session:<sha256 hex>    string: the user id, expires with the session
 *   <p>rl:account:<email>      counter of failed logins in the window
 *   <p>rl:address:<ip>         counter of login/register attempts in the window
 */
export const KEY_PREFIX = 'ens:gw:acct:';

export const keys = {
  session: (tokenHash: string) => `${KEY_PREFIX}session:${tokenHash}`,
  failuresOf: (email: string) => `${KEY_PREFIX}rl:account:${email}`,
  attemptsFrom: (address: string) => `${KEY_PREFIX}rl:address:${address}`,
} as const;
