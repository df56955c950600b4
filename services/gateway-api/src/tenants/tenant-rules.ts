import {
  DomainError,
  describeTenantHoldings,
  holdsNothingOfTenant,
  type TenantHoldings,
  type TenantSecretView,
  type TenantView,
} from '@ensemble/contracts';
import { DEFAULT_TENANT } from '@ensemble/shared';
import type { Tenant } from './tenant.js';

/*
 * What the ops API may do to a tenant (decision 114), as plain functions: the service asks
 * PostgreSQL and the scheduler, these decide.
 */

/** The default tenant's config secrets first (`config-<n>`, in config order), then the stored ones, oldest first. */
export function secretViews(
  stored: ReadonlyArray<{ id: string; createdAt: number }>,
  fromConfig: number,
): TenantSecretView[] {
  return [
    ...Array.from({ length: fromConfig }, (_, i) => ({ id: `config-${i + 1}`, createdAt: null, fromConfig: true })),
    ...stored.map((s) => ({ id: s.id, createdAt: s.createdAt, fromConfig: false })),
  ];
}

/**
 * A tenant as operators see it: its secrets by id only, its recordings' protection as it
 * chose (null: the default) and as it applies (`protectedByDefault`: RECORDINGS_PROTECTED).
 */
export function tenantView(t: Tenant, secrets: TenantSecretView[], protectedByDefault: boolean): TenantView {
  return {
    name: t.name,
    displayName: t.displayName,
    requiredTags: [...t.requiredTags],
    loadWeight: t.loadWeight,
    maxMeetings: t.maxMeetings,
    maxParticipants: t.maxParticipants,
    recordingsProtected: t.recordingsProtected,
    recordingsProtectedEffective: t.recordingsProtected ?? protectedByDefault,
    policy: { ...t.policy },
    secrets,
  };
}

/**
 * Why protecting a tenant's recordings is refused (409), or undefined: protected playback
 * links are signed with RECORDINGS_PLAYBACK_SECRET, and without it they could not be opened
 * at all (decision 116). `canSign`: this gateway has the secret.
 */
export function recordingsProtectionRefusal(
  recordingsProtected: boolean | null | undefined,
  canSign: boolean,
): DomainError | undefined {
  if (recordingsProtected !== true || canSign) return undefined;
  return new DomainError(
    'conflict',
    'recordingsProtected: protected playback links are signed with RECORDINGS_PLAYBACK_SECRET, which is not set: set it (at least 32 characters, the same on every gateway) first',
  );
}

/** The default tenant is every integration that uses BBB_API_SECRET/S: it stays, forced or not. */
export const defaultTenantStays = () =>
  new DomainError(
    'conflict',
    'the default tenant cannot be removed: it is every integration that uses BBB_API_SECRET/S',
  );

/** Why removing the tenant is refused (409), or undefined when it may go. */
export function removalRefusal(name: string, held: TenantHoldings, force: boolean): DomainError | undefined {
  if (name === DEFAULT_TENANT) return defaultTenantStays();
  if (force || holdsNothingOfTenant(held)) return undefined;
  const unsure = held.meetings === null ? `cannot tell whether tenant ${name} has running meetings; ` : '';
  return new DomainError(
    'conflict',
    `${unsure}tenant ${name} holds ${describeTenantHoldings(held)}: force (?force=true) to remove it with its accounts and recordings`,
  );
}

/**
 * Why removing a secret is refused, or undefined when it may go. The last secret keeps the
 * tenant's integrations able to call; forcing leaves the tenant unreachable until another is added.
 */
export function secretRemovalRefusal(
  tenant: string,
  secrets: readonly TenantSecretView[],
  id: string,
  force: boolean,
): DomainError | undefined {
  const secret = secrets.find((s) => s.id === id);
  if (!secret) return new DomainError('not-found', `tenant ${tenant} has no secret ${id}`);
  if (secret.fromConfig) {
    return new DomainError(
      'conflict',
      `${id} is set in the gateway's config (BBB_API_SECRET/S): remove it there and restart the gateways`,
    );
  }
  if (secrets.length === 1 && !force) return lastSecretRefusal(tenant, id);
  return undefined;
}

export const lastSecretRefusal = (tenant: string, id: string) =>
  new DomainError(
    'conflict',
    `${id} is the last secret of tenant ${tenant}: its integrations could no longer call. Add another first, or force (?force=true)`,
  );

/**
 * A policy as the audit log records it: the names of the parameters each part sets, the
 * caps with their numbers; never a value (an override may be a password or a meta_ token).
 */
export function policySummary(policy: Record<string, unknown>): Record<string, unknown> {
  const summary: Record<string, unknown> = {};
  for (const [call, part] of Object.entries(policy)) {
    if (!part || typeof part !== 'object') continue;
    const p = part as Record<string, unknown>;
    const keys = (v: unknown) => (v && typeof v === 'object' ? Object.keys(v).sort() : undefined);
    summary[call] = {
      ...(p['defaults'] ? { defaults: keys(p['defaults']) } : {}),
      ...(p['overrides'] ? { overrides: keys(p['overrides']) } : {}),
      ...(p['block'] ? { block: p['block'] } : {}),
      ...(p['caps'] ? { caps: p['caps'] } : {}),
    };
  }
  return summary;
}
