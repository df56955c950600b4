import { Inject, Injectable } from '@nestjs/common';
import { contracts } from '@ensemble/contracts';
import { LOGGER, NATS_BUS, type Logger, type NatsBus } from '@ensemble/shared';
import { NatsRequestOptionsProvider } from '../nats/nats-request-options.provider.js';
import { TenantUsageSource, type LiveTenantUsage } from './tenant-usage.port.js';

/**
 * Each tenant's running meetings and participants as the scheduler accounts them for the
 * quotas (`ensemble.fleet.tenant-usage`, decision 112). Unknown (undefined) when the
 * scheduler cannot be asked: the ops API shows null and refuses an unforced removal.
 */
@Injectable()
export class SchedulerTenantUsage extends TenantUsageSource {
  constructor(
    @Inject(NATS_BUS) private readonly bus: NatsBus,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly options: NatsRequestOptionsProvider,
  ) {
    super();
  }

  async live(names?: readonly string[]): Promise<Map<string, LiveTenantUsage> | undefined> {
    try {
      const asks = names?.length === 1 ? [{ tenant: names[0]! }] : [{}];
      const out = new Map<string, LiveTenantUsage>();
      for (const ask of asks) {
        const reply = await this.bus.request(contracts.tenantUsage, ask, this.options.idempotent);
        for (const t of reply.tenants) {
          if (!names || names.includes(t.name)) out.set(t.name, { meetings: t.meetings, participants: t.participants });
        }
      }
      return out;
    } catch (e) {
      this.logger.warn('tenant usage unknown: the scheduler did not answer', { error: (e as Error).message });
      return undefined;
    }
  }
}
