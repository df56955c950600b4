/**
 * Every Redis key the join module owns.
 *
 *   <p>rl:address:<ip>   counter of join attempts from an address in JOIN_WINDOW_S
 */
export const KEY_PREFIX = 'ens:gw:join:';

export const keys = {
  attemptsFrom: (address: string) => `${KEY_PREFIX}rl:address:${address}`,
} as const;
