import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { contracts, type TenantsChanged } from '@ensemble/contracts';
import { CONFIG, DEFAULT_TENANT, LOGGER, NATS_BUS, type Logger, type NatsBus } from '@ensemble/shared';
import type { GatewayConfig } from '../config.js';
import { EMPTY_POLICY } from '../bbb-api/parameter-policy.js';
import type { Tenant } from './tenant.js';
import { TenantsRepository } from './tenants.repository.js';

type Subscription = ReturnType<NatsBus['subscribe']>;

/**
 * Every tenant and its secrets, in memory (decision 110): a BBB API call reads no table to
 * find its tenant or check its checksum. Re-read every TENANTS_REFRESH_S and at once when a
 * gateway announces a change (`ensemble.tenants.changed`). The default tenant always exists,
 * with the config's secrets (BBB_API_SECRET/S) beside any stored ones, so that an
 * installation from before tenants, or one whose PostgreSQL is away at start, answers as before.
 */
@Injectable()
export class TenantDirectory implements OnApplicationBootstrap, OnModuleDestroy {
  private tenants = new Map<string, Tenant>();
  private readonly configSecrets: string[];
  private timer: NodeJS.Timeout | undefined;
  private subscription: Subscription | undefined;
  private reading: Promise<void> | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(NATS_BUS) private readonly bus: NatsBus,
    private readonly repository: TenantsRepository,
  ) {
    this.configSecrets = [
      ...new Set([config.BBB_API_SECRET, ...config.BBB_API_SECRETS].filter((s) => s !== undefined)),
    ];
    this.tenants.set(DEFAULT_TENANT, this.withConfigSecrets(undefined));
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = this.bus.subscribe(contracts.tenantsChanged, () => this.refresh());
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.config.TENANTS_REFRESH_S * 1000);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.subscription?.unsubscribe();
    await this.reading;
  }

  get(name: string): Tenant | undefined {
    return this.tenants.get(name);
  }

  /** Whether `name` is a tenant now (for reading a node's meetingID back, `tenantMeetingOf`). */
  readonly isKnown = (name: string): boolean => this.tenants.has(name);

  all(): Tenant[] {
    return [...this.tenants.values()];
  }

  /** The secrets set in the config: the default tenant's, which the API cannot remove. */
  isConfigSecret(secret: string): boolean {
    return this.configSecrets.includes(secret);
  }

  /** After a change here: read again now, and tell every other gateway to. */
  async changed(tenant: string, change: TenantsChanged['change']): Promise<void> {
    this.bus.publish(contracts.tenantsChanged, { tenant, change });
    await this.refresh();
  }

  /** Reads every tenant again; a failure keeps what is known (logged, tried again next round). */
  refresh(): Promise<void> {
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async read(): Promise<void> {
    try {
      const next = new Map<string, Tenant>();
      for (const t of await this.repository.all()) {
        next.set(t.name, t.name === DEFAULT_TENANT ? this.withConfigSecrets(t) : t);
      }
      if (!next.has(DEFAULT_TENANT)) next.set(DEFAULT_TENANT, this.withConfigSecrets(undefined));
      this.tenants = next;
    } catch (e) {
      this.logger.warn('reading tenants failed; the last known ones stay', { error: (e as Error).message });
    }
  }

  private withConfigSecrets(stored: Tenant | undefined): Tenant {
    const base: Tenant = stored ?? {
      name: DEFAULT_TENANT,
      displayName: 'Default',
      secrets: [],
      policy: EMPTY_POLICY,
      requiredTags: [],
      loadWeight: 1,
      maxMeetings: null,
      maxParticipants: null,
      recordingsProtected: null,
    };
    return { ...base, secrets: [...new Set([...this.configSecrets, ...base.secrets])] };
  }
}
