/**
 * Every Redis key the join module owns.
 *
 *   <p>rl:address:<ip>        counter of join attempts from an address in JOIN_WINDOW_S
 *   <p>code:room:<roomId>     counter of wrong access codes for a room in ACCESS_CODE_WINDOW_S
 *   <p>code:address:<ip>      counter of wrong access codes from an address in ACCESS_CODE_WINDOW_S
 */
export const KEY_PREFIX = 'ens:gw:join:';

export const keys = {
  attemptsFrom: (address: string) => `${KEY_PREFIX}rl:address:${address}`,
  codeFailuresOfRoom: (roomId: string) => `${KEY_PREFIX}code:room:${roomId}`,
  codeFailuresFrom: (address: string) => `${KEY_PREFIX}code:address:${address}`,
} as const;
