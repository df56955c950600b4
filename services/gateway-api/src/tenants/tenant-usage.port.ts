/** A tenant's meetings and participants running now, across the fleet. */
export interface LiveTenantUsage {
  meetings: number;
  participants: number;
}

/**
 * Where a tenant's running meetings and participants come from: the scheduler, which
 * knows every node's meetings (decision 114; wired over NATS with the quotas, decision 112).
 * `live(names)` answers for those tenants (every tenant without `names`; one absent from
 * the map has none), or undefined when it cannot tell now: shown as unknown (null), and a
 * tenant's removal is then refused unless forced.
 */
export abstract class TenantUsageSource {
  abstract live(names?: readonly string[]): Promise<Map<string, LiveTenantUsage> | undefined>;
}
