import { DomainError } from '@ensemble/contracts';

/** The BBB API errors a failure of the meeting path can become (`BBB_ERRORS` in bbb-api/answer-xml.ts). */
export type BbbFailure =
  'noAvailableServers' | 'internalError' | 'tenantMeetingQuotaReached' | 'tenantParticipantQuotaReached';

/**
 * Decided once for every BBB API call: no node can take the meeting (no capacity,
 * no node with a required tag) is `noAvailableServers`; a tenant's quota refusing a new
 * meeting or a join (decision 112) is `tenantMeetingQuotaReached` /
 * `tenantParticipantQuotaReached`; anything else (scheduler or node unreachable, a node
 * answer over the cap or off the schema, Redis down) is `internalError`. The web edge maps
 * the same errors through their codes (`no-capacity` and `unavailable`: 503 with
 * Retry-After; the quotas: 403).
 */
export function bbbFailureOf(e: unknown): BbbFailure {
  return (
    quotaFailureOf(e) ?? (e instanceof DomainError && e.code === 'no-capacity' ? 'noAvailableServers' : 'internalError')
  );
}

/** A tenant quota's refusal as its BBB error; undefined for any other failure. */
export function quotaFailureOf(e: unknown): BbbFailure | undefined {
  if (!(e instanceof DomainError)) return undefined;
  if (e.code === 'quota-meetings') return 'tenantMeetingQuotaReached';
  if (e.code === 'quota-participants') return 'tenantParticipantQuotaReached';
  return undefined;
}
