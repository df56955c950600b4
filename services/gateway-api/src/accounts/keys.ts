/**
 * Every Redis key the accounts module owns. The Lua scripts receive `KEY_PREFIX`
 * and build the same names; keep both in step.
 *
 *   <p>user:<id>               hash: id, email, name, passwordHash, createdAt
 *   <p>email:<email>           string: the user id (email in lower case; unique)
 *   <p>session:<sha256 hex>    string: the user id, expires with the session
 *   <p>rl:account:<email>      counter of failed logins in the window
 *   <p>rl:address:<ip>         counter of login/register attempts in the window
 */
export const KEY_PREFIX = 'ens:gw:acct:';

export const keys = {
  user: (id: string) => `${KEY_PREFIX}user:${id}`,
  email: (email: string) => `${KEY_PREFIX}email:${email}`,
  session: (tokenHash: string) => `${KEY_PREFIX}session:${tokenHash}`,
  failuresOf: (email: string) => `${KEY_PREFIX}rl:account:${email}`,
  attemptsFrom: (address: string) => `${KEY_PREFIX}rl:address:${address}`,
} as const;
