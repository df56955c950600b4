import { Inject, Injectable } from '@nestjs/common';
import type { TenantLiveUsage } from '@ensemble/contracts';
import { guarded } from '@ensemble/shared';
import { SCHEDULER_SCRIPTS, type SchedulerScripts } from '../scripts.js';

/** What tenants run now, read from the accounts the quotas check (lua/lib/tenants.lua, decision 112). */
@Injectable()
export class TenantUsageStore {
  constructor(@Inject(SCHEDULER_SCRIPTS) private readonly scripts: SchedulerScripts) {}

  /** One tenant (answered even when it runs nothing), or every tenant that runs something, by name. */
  async usage(tenant?: string): Promise<TenantLiveUsage[]> {
    const r = (await guarded('tenant usage', () => this.scripts.tenantUsage(tenant ?? ''))) as (string | number)[];
    const out: TenantLiveUsage[] = [];
    for (let i = 0; i + 2 < r.length; i += 3) {
      out.push({ name: String(r[i]), meetings: Number(r[i + 1]), participants: Number(r[i + 2]) });
    }
    return out;
  }
}
