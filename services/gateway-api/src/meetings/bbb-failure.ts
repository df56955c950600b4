import { DomainError } from '@ensemble/contracts';

/** The BBB API errors a failure of the meeting path can become (`BBB_ERRORS` in bbb-api/answer-xml.ts). */
export type BbbFailure = 'noAvailableServers' | 'internalError';

/**
 * Decided once for every BBB API call: no node can take the meeting (no capacity,
 * no node with a required tag) is `noAvailableServers`; anything else (scheduler
 * or node unreachable, a node answer over the cap or off the schema, Redis down)
 * is `internalError`. The web edge maps the same errors through their codes
 * (`no-capacity` and `unavailable`: 503 with Retry-After).
 */
export function bbbFailureOf(e: unknown): BbbFailure {
  return e instanceof DomainError && e.code === 'no-capacity' ? 'noAvailableServers' : 'internalError';
}
