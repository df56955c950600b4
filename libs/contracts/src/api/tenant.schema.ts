import { z } from 'zod';
import { tagSchema } from '../contracts/common.schema.js';
import { tenantNameSchema } from '../contracts/common.schema.js';
import { noControlChars } from './account.schema.js';

/**
 * The tenants part of the ops API (`/api/ops/tenants`, decision 114). A secret is shown in
 * the answer that creates it and never again: every other view names it by its id.
 */

/** Names the ops API routes use below `/api/ops/tenants/`: a tenant so named could not be shown. */
export const RESERVED_TENANT_NAMES = ['usage'] as const;

/** A new tenant's name: a DNS label (the first label of its host name), not a route's. */
export const newTenantNameSchema = tenantNameSchema.refine(
  (n) => !(RESERVED_TENANT_NAMES as readonly string[]).includes(n),
  `reserved (a route of the ops API): ${RESERVED_TENANT_NAMES.join(', ')}`,
);

/**
 * An existing secret brought along (an integration keeps the one it has). Printable ASCII
 * without spaces: it is typed into integrations' settings, and BBB's own are hex.
 */
export const importedTenantSecretSchema = z
  .string()
  .min(16, 'at least 16 characters')
  .max(256, 'at most 256 characters')
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

/** `sec_<hex>` for a stored secret; `config-<n>` for the default tenant's BBB_API_SECRET/S, in config order. */
export const tenantSecretIdSchema = z
  .string()
  .regex(/^(?:sec_[0-9a-f]{12}|config-[1-9]\d{0,2})$/, 'a secret id (sec_<12 hex> or config-<n>)');

const quotaSchema = z.number().int('a whole number').min(0, 'at least 0').max(1_000_000).nullable();

/** What an operator sets on a tenant: placement rules (decision 112) and quotas (null: none). */
const tenantFields = {
  displayName: z.string().trim().max(120, 'at most 120 characters').refine(noControlChars, 'no control characters'),
  /** A node must carry every one of these tags to take the tenant's meetings. */
  requiredTags: z.array(tagSchema).max(32, 'at most 32 tags'),
  /** Each of the tenant's meetings counts this many times in a node's load. */
  loadWeight: z.number().positive('greater than 0').max(100, 'at most 100'),
  maxMeetings: quotaSchema,
  maxParticipants: quotaSchema,
  /**
   * Protected recordings for this tenant (decision 116): playback links signed, short-lived
   * and bound to whoever got them; null follows the gateway's RECORDINGS_PROTECTED.
   */
  recordingsProtected: z.boolean('true, false or null (as RECORDINGS_PROTECTED)').nullable(),
};

/** `POST /api/ops/tenants`: without `secret`, one is generated. */
export const createTenantBodySchema = z
  .object({
    name: newTenantNameSchema,
    displayName: tenantFields.displayName.default(''),
    requiredTags: tenantFields.requiredTags.default([]),
    loadWeight: tenantFields.loadWeight.default(1),
    maxMeetings: tenantFields.maxMeetings.default(null),
    maxParticipants: tenantFields.maxParticipants.default(null),
    recordingsProtected: tenantFields.recordingsProtected.default(null),
    secret: importedTenantSecretSchema.optional(),
  })
  .strict();
export type CreateTenantBody = z.infer<typeof createTenantBodySchema>;

/** `PATCH /api/ops/tenants/:name`: the fields given change; a quota set to null is lifted. */
export const updateTenantBodySchema = z
  .object(tenantFields)
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, {
    message:
      'nothing to update: give displayName, requiredTags, loadWeight, maxMeetings, maxParticipants or recordingsProtected',
  });
export type UpdateTenantBody = z.infer<typeof updateTenantBodySchema>;

/** `POST /api/ops/tenants/:name/secrets`: without `secret`, one is generated. */
export const addTenantSecretBodySchema = z.object({ secret: importedTenantSecretSchema.optional() }).strict();

/** `?force=true` on the removals that would otherwise be refused. */
export const forceQuerySchema = z
  .object({
    force: z
      .enum(['true', 'false'])
      .default('false')
      .transform((f) => f === 'true'),
  })
  .strict();

/** A secret as operators see it after creation: never the secret itself. */
export const tenantSecretViewSchema = z.object({
  id: tenantSecretIdSchema,
  /** Null for a secret from the config: when it was set is not known here. */
  createdAt: z.number().int().nullable(),
  /** Set in the gateway's config (the default tenant's BBB_API_SECRET/S): removed there, not through the API. */
  fromConfig: z.boolean(),
});
export type TenantSecretView = z.infer<typeof tenantSecretViewSchema>;

/** A tenant in the ops API: its rules, quotas, policy and secret ids. */
export const tenantViewSchema = z.object({
  name: tenantNameSchema,
  displayName: z.string(),
  requiredTags: z.array(z.string()),
  loadWeight: z.number(),
  maxMeetings: z.number().int().nullable(),
  maxParticipants: z.number().int().nullable(),
  /** The tenant's own choice (decision 116); null: it follows RECORDINGS_PROTECTED. */
  recordingsProtected: z.boolean().nullable(),
  /** Whether its recordings are protected now: its choice, else RECORDINGS_PROTECTED. */
  recordingsProtectedEffective: z.boolean(),
  /** The parameter policy for create and join (decision 111): `GET/PUT .../policy`. */
  policy: z.record(z.string(), z.unknown()),
  secrets: z.array(tenantSecretViewSchema),
});
export type TenantView = z.infer<typeof tenantViewSchema>;

/** The answer that creates a secret (a new tenant's first, or one more): the only one that shows it. */
export const tenantWithNewSecretSchema = z.object({
  tenant: tenantViewSchema,
  secret: z.object({ id: tenantSecretIdSchema, secret: z.string(), createdAt: z.number().int() }),
  note: z.string(),
});
export type TenantWithNewSecret = z.infer<typeof tenantWithNewSecretSchema>;

export const NEW_TENANT_SECRET_NOTE =
  'shown once: Ensemble keeps it for checksums but never shows it again. Give it to the integration now.';

/** What a tenant holds that removing it would take: null meetings when the scheduler could not tell. */
export const tenantHoldingsSchema = z.object({
  meetings: z.number().int().nullable(),
  accounts: z.number().int(),
  recordings: z.number().int(),
});
export type TenantHoldings = z.infer<typeof tenantHoldingsSchema>;

/** `DELETE /api/ops/tenants/:name`: what it held (taken with it when forced). */
export const removedTenantSchema = z.object({
  name: tenantNameSchema,
  forced: z.boolean(),
  held: tenantHoldingsSchema,
});
export type RemovedTenant = z.infer<typeof removedTenantSchema>;

export const holdsNothingOfTenant = (h: TenantHoldings): boolean =>
  h.meetings === 0 && h.accounts === 0 && h.recordings === 0;

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** One text for what a tenant holds, as the API's refusal, the CLI and the audit log say it. */
export function describeTenantHoldings(h: TenantHoldings): string {
  const parts = [
    h.meetings === null
      ? 'running meetings unknown (the scheduler did not answer)'
      : h.meetings > 0
        ? count(h.meetings, 'running meeting', 'running meetings')
        : '',
    h.accounts > 0 ? count(h.accounts, 'account', 'accounts') : '',
    h.recordings > 0 ? count(h.recordings, 'recording', 'recordings') : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'nothing';
}

/**
 * A tenant's usage now. Meetings and participants come from the scheduler (null when it
 * could not tell); recordings (not deleted) and their bytes in storage from the index.
 */
export const tenantUsageSchema = z.object({
  name: tenantNameSchema,
  meetings: z.number().int().nullable(),
  participants: z.number().int().nullable(),
  recordings: z.number().int(),
  storageBytes: z.number().int(),
  maxMeetings: z.number().int().nullable(),
  maxParticipants: z.number().int().nullable(),
});
export type TenantUsage = z.infer<typeof tenantUsageSchema>;

export const tenantsUsageSchema = z.object({ tenants: z.array(tenantUsageSchema) });
export type TenantsUsage = z.infer<typeof tenantsUsageSchema>;
