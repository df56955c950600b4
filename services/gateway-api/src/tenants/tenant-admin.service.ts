import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  NEW_TENANT_SECRET_NOTE,
  type CreateTenantBody,
  type RemovedTenant,
  type TenantUsage,
  type TenantView,
  type TenantWithNewSecret,
  type UpdateTenantBody,
} from '@ensemble/contracts';
import { CONFIG, DEFAULT_TENANT, LOGGER, type Logger } from '@ensemble/shared';
import type { GatewayConfig } from '../config.js';
import { newTenantSecret, type Tenant } from './tenant.js';
import { TenantDirectory } from './tenant-directory.js';
import { TenantMetrics } from './tenant-metrics.js';
import type { TenantPolicy } from './tenant-policy.schema.js';
import {
  defaultTenantStays,
  lastSecretRefusal,
  recordingsProtectionRefusal,
  removalRefusal,
  secretRemovalRefusal,
  secretViews,
  tenantView,
} from './tenant-rules.js';
import { TenantUsageSource, type LiveTenantUsage } from './tenant-usage.port.js';
import { TenantsRepository, type StoredSecret } from './tenants.repository.js';

const noTenant = (name: string) => new DomainError('not-found', `no tenant ${name}`);
const secretInUse = () =>
  new DomainError('conflict', 'secret: already in use (by this or another tenant, or in the config): choose another');

/**
 * What the ops API does to tenants (decision 114): reads from PostgreSQL (the truth; the
 * directory may be a round behind), and after each change `TenantDirectory.changed`, so
 * that every gateway reads them again at once. Input comes validated (contracts' schemas).
 */
@Injectable()
export class TenantAdmin {
  constructor(
    private readonly repository: TenantsRepository,
    private readonly directory: TenantDirectory,
    private readonly usageSource: TenantUsageSource,
    private readonly metrics: TenantMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CONFIG) private readonly config: GatewayConfig,
  ) {}

  async list(): Promise<TenantView[]> {
    const [tenants, secrets] = await Promise.all([this.repository.all(), this.repository.allSecrets()]);
    return tenants.map((t) =>
      tenantView(
        t,
        secretViews(
          secrets.filter((s) => s.tenant === t.name),
          this.configSecrets(t.name),
        ),
        this.config.RECORDINGS_PROTECTED,
      ),
    );
  }

  async show(name: string): Promise<TenantView> {
    const [t, secrets] = await Promise.all([this.repository.get(name), this.repository.secrets(name)]);
    if (!t) throw noTenant(name);
    return tenantView(t, secretViews(secrets, this.configSecrets(name)), this.config.RECORDINGS_PROTECTED);
  }

  async add(body: CreateTenantBody): Promise<TenantWithNewSecret> {
    const { name, secret: imported, ...fields } = body;
    this.checkRecordingsProtection(fields.recordingsProtected);
    const secret = imported ?? newTenantSecret();
    if (imported !== undefined && this.inUse(imported)) throw secretInUse();
    const stored = await this.repository.add(name, fields, secret);
    if (!stored) throw new DomainError('conflict', `tenant ${name} exists`);
    await this.directory.changed(name, 'added');
    return this.withNewSecret(name, stored);
  }

  async update(name: string, fields: UpdateTenantBody): Promise<TenantView> {
    this.checkRecordingsProtection(fields.recordingsProtected);
    if (!(await this.repository.update(name, fields))) throw noTenant(name);
    await this.directory.changed(name, 'updated');
    return this.show(name);
  }

  /** Refused (409, naming what it holds) while it has running meetings, accounts or recordings, unless forced. */
  async remove(name: string, force: boolean): Promise<RemovedTenant> {
    if (name === DEFAULT_TENANT) throw defaultTenantStays();
    const live = await this.live([name]);
    const meetings = live ? (live.get(name)?.meetings ?? 0) : null;
    const r = await this.repository.remove(
      name,
      (held) => removalRefusal(name, { meetings, ...held }, force) === undefined,
    );
    if (!r) throw noTenant(name);
    const held = { meetings, ...r.held };
    if (!r.removed) throw removalRefusal(name, held, force)!;
    await this.directory.changed(name, 'removed');
    return { name, forced: removalRefusal(name, held, false) !== undefined, held };
  }

  async secrets(name: string) {
    return (await this.show(name)).secrets;
  }

  async addSecret(name: string, imported: string | undefined): Promise<TenantWithNewSecret> {
    if (!(await this.repository.get(name))) throw noTenant(name);
    const secret = imported ?? newTenantSecret();
    if (imported !== undefined && this.inUse(imported)) throw secretInUse();
    const stored = await this.repository.addSecret(name, secret);
    // The tenant went meanwhile, or the secret was taken by another gateway's change.
    if (!stored) throw (await this.repository.get(name)) ? secretInUse() : noTenant(name);
    await this.directory.changed(name, 'updated');
    return this.withNewSecret(name, stored);
  }

  /** Refused for a config secret, and for the tenant's last secret unless forced. */
  async removeSecret(name: string, id: string, force: boolean): Promise<TenantView> {
    const { secrets } = await this.show(name);
    const refusal = secretRemovalRefusal(name, secrets, id, force);
    if (refusal) throw refusal;
    // Checked again under the tenant's lock: the config's secrets count as ones left.
    const keep = force ? 0 : Math.max(0, 1 - this.configSecrets(name));
    const r = await this.repository.removeSecret(name, id, keep);
    if (r === 'absent') throw secretRemovalRefusal(name, [], id, force)!;
    if (r === 'last') throw lastSecretRefusal(name, id);
    await this.directory.changed(name, 'updated');
    return this.show(name);
  }

  async policy(name: string): Promise<Readonly<Record<string, unknown>>> {
    const t = await this.repository.get(name);
    if (!t) throw noTenant(name);
    return t.policy;
  }

  async setPolicy(name: string, policy: TenantPolicy): Promise<TenantPolicy> {
    if (!(await this.repository.update(name, { policy }))) throw noTenant(name);
    await this.directory.changed(name, 'updated');
    return policy;
  }

  /** One tenant's usage, or every tenant's (name order); the per-tenant gauges follow what is read. */
  async usage(name?: string): Promise<TenantUsage[]> {
    const names = name === undefined ? undefined : [name];
    const [tenants, stored, live] = await Promise.all([
      name === undefined ? this.repository.all() : this.repository.get(name).then((t) => (t ? [t] : [])),
      this.repository.recordingUsage(names),
      this.live(names),
    ]);
    if (name !== undefined && tenants.length === 0) throw noTenant(name);
    const rows = tenants.map((t) => usageOf(t, stored.get(t.name), live));
    this.metrics.usage(rows, name === undefined);
    return rows;
  }

  private async withNewSecret(name: string, stored: StoredSecret): Promise<TenantWithNewSecret> {
    return {
      tenant: await this.show(name),
      secret: { id: stored.id, secret: stored.secret, createdAt: stored.createdAt },
      note: NEW_TENANT_SECRET_NOTE,
    };
  }

  /** Protecting a tenant's recordings needs the key their links are signed with. */
  private checkRecordingsProtection(recordingsProtected: boolean | null | undefined): void {
    const refusal = recordingsProtectionRefusal(
      recordingsProtected,
      this.config.RECORDINGS_PLAYBACK_SECRET !== undefined,
    );
    if (refusal) throw refusal;
  }

  /** The default tenant's secrets from BBB_API_SECRET/S (none for another tenant). */
  private configSecrets(name: string): number {
    if (name !== DEFAULT_TENANT) return 0;
    return this.directory.get(DEFAULT_TENANT)?.secrets.filter((s) => this.directory.isConfigSecret(s)).length ?? 0;
  }

  /** Whether a secret already lets some tenant in (as this gateway knows them; the table's unique key decides races). */
  private inUse(secret: string): boolean {
    return this.directory.isConfigSecret(secret) || this.directory.all().some((t) => t.secrets.includes(secret));
  }

  /** The scheduler's count, or undefined when it cannot tell now (never an error: the answer says unknown). */
  private async live(names: readonly string[] | undefined): Promise<Map<string, LiveTenantUsage> | undefined> {
    try {
      return await this.usageSource.live(names);
    } catch (e) {
      this.logger.warn('tenant usage not known', { error: (e as Error).message });
      return undefined;
    }
  }
}

function usageOf(
  t: Tenant,
  stored: { recordings: number; storageBytes: number } | undefined,
  live: Map<string, LiveTenantUsage> | undefined,
): TenantUsage {
  const now = live ? (live.get(t.name) ?? { meetings: 0, participants: 0 }) : undefined;
  return {
    name: t.name,
    meetings: now?.meetings ?? null,
    participants: now?.participants ?? null,
    recordings: stored?.recordings ?? 0,
    storageBytes: stored?.storageBytes ?? 0,
    maxMeetings: t.maxMeetings,
    maxParticipants: t.maxParticipants,
  };
}
