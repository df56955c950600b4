import { Inject, Injectable } from '@nestjs/common';
import type { TenantUsage } from '@ensemble/contracts';
import { BoundedLabel, CONFIG, METRICS, type Metrics } from '@ensemble/shared';
import type { Gauge } from 'prom-client';
import type { GatewayConfig } from '../config.js';
import { TenantDirectory } from './tenant-directory.js';

/** Label values no tenant can have (a tenant name is a DNS label: no `_`). */
export const OTHER_TENANTS = '_other';
export const UNKNOWN_TENANT = '_unknown';

/** The return codes the per-tenant counter tells apart; anything else is `other`. */
const RETURNCODES = new Set(['SUCCESS', 'FAILED', 'redirect']);

type UsageKey = 'meetings' | 'participants' | 'recordings' | 'storageBytes';

/**
 * Per-tenant metrics with a bounded `tenant` label (decision 114): the first
 * TENANT_METRICS_MAX_LABELS tenants seen keep their name, later ones are `_other`, a name
 * that is no tenant (an unknown host or path) is `_unknown`; so neither many tenants nor
 * made-up names can flood Prometheus. The fleet-wide `ensemble_bbb_api_requests_total`
 * keeps no tenant label.
 */
@Injectable()
export class TenantMetrics {
  private readonly tenants: BoundedLabel;
  /** `call` comes normalized from the BBB API (its calls, `root`, `unsupported`): bounded anyway. */
  private readonly calls = new BoundedLabel(64, '_other');
  private readonly requests;
  private readonly gauges: Record<UsageKey, Gauge<'tenant'>>;

  constructor(
    @Inject(CONFIG) config: GatewayConfig,
    @Inject(METRICS) metrics: Metrics,
    private readonly directory: TenantDirectory,
  ) {
    this.tenants = new BoundedLabel(config.TENANT_METRICS_MAX_LABELS, OTHER_TENANTS);
    this.requests = metrics.counter('ensemble_tenant_bbb_api_requests_total', 'BBB API calls answered, per tenant', [
      'tenant',
      'call',
      'returncode',
    ]);
    this.gauges = {
      meetings: metrics.gauge('ensemble_tenant_meetings', 'Meetings running, per tenant (at the last usage read)', [
        'tenant',
      ]),
      participants: metrics.gauge(
        'ensemble_tenant_participants',
        'Participants in running meetings, per tenant (at the last usage read)',
        ['tenant'],
      ),
      recordings: metrics.gauge('ensemble_tenant_recordings', 'Recordings (not deleted), per tenant', ['tenant']),
      storageBytes: metrics.gauge(
        'ensemble_tenant_recording_storage_bytes',
        'Bytes of recordings in storage, per tenant',
        ['tenant'],
      ),
    };
  }

  /**
   * One BBB API call answered: call this once per request, with the tenant it was routed to
   * (known or not), the call as `ensemble_bbb_api_requests_total` counts it and the answer's
   * return code (`SUCCESS`, `FAILED`, `redirect`; anything else counts as `other`).
   */
  request(tenant: string, call: string, returncode: string): void {
    this.requests.inc({
      tenant: this.directory.isKnown(tenant) ? this.tenants.of(tenant) : UNKNOWN_TENANT,
      call: this.calls.of(call),
      returncode: RETURNCODES.has(returncode) ? returncode : 'other',
    });
  }

  /**
   * Usage just read. `complete`: these are every tenant's, the gauges show exactly them (a
   * removed tenant's series go); else only tenants with a label of their own are set (an
   * `_other` sum cannot be made from a part). Unknown meetings leave those series out.
   */
  usage(rows: readonly TenantUsage[], complete: boolean): void {
    const sums = new Map<string, Record<UsageKey, number | null>>();
    for (const r of rows) {
      const label = this.tenants.of(r.name);
      if (!complete && label === OTHER_TENANTS) continue;
      const s = sums.get(label) ?? { meetings: 0, participants: 0, recordings: 0, storageBytes: 0 };
      for (const k of Object.keys(this.gauges) as UsageKey[]) {
        const v = r[k];
        s[k] = v === null || s[k] === null ? null : s[k] + v;
      }
      sums.set(label, s);
    }
    if (complete) for (const g of Object.values(this.gauges)) g.reset();
    for (const [tenant, s] of sums) {
      for (const k of Object.keys(this.gauges) as UsageKey[]) {
        const v = s[k];
        if (v === null) this.gauges[k].remove({ tenant });
        else this.gauges[k].set({ tenant }, v);
      }
    }
  }
}
