import { z } from 'zod';
import { noControlChars } from './account.schema.js';

/** Role names (issue 20); just names for now, what each may do comes with roles and permissions. */
export const ROLE_NAMES = ['administrator', 'user', 'guest'] as const;
export const roleNameSchema = z.enum(ROLE_NAMES);
export type RoleName = z.infer<typeof roleNameSchema>;

/** scheme, host (a name or a bracketed IPv6 address), optional port and path; no query, fragment or user. */
const ISSUER = /^(https?):\/\/([a-zA-Z0-9.-]+|\[[0-9a-fA-F:]+\])(?::\d{1,5})?(?:\/[^\s?#]*)?$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * An OpenID Provider's issuer: https, or http on a loopback address only (a provider on the
 * same machine, as the tests run one). No query or fragment (OpenID Connect Discovery 4).
 */
export const issuerSchema = z
  .string()
  .trim()
  .max(500)
  .regex(ISSUER, 'issuer: an https URL without query or fragment')
  .refine((s) => {
    const [, scheme, host] = ISSUER.exec(s)!;
    return scheme === 'https' || LOOPBACK_HOSTS.has(host!.toLowerCase());
  }, 'issuer: https only (http on a loopback address)');

export const domainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'allowedEmailDomains: not a domain');

const printable = (field: string, max: number) =>
  z
    .string()
    .min(1, `${field}: required`)
    .max(max, `${field}: at most ${max} characters`)
    .refine(noControlChars, `${field}: no control characters`);

/**
 * `PUT /api/ops/tenants/:name/identity` (decision 120): the whole configuration replaced.
 * `clientSecret` is write-only: required the first time, kept when left out afterwards.
 */
export const tenantIdentityBodySchema = z
  .object({
    issuer: issuerSchema,
    clientId: printable('clientId', 200),
    clientSecret: printable('clientSecret', 500).optional(),
    displayName: printable('displayName', 60),
    allowedEmailDomains: z.array(domainSchema).max(50).default([]),
    /** The ID token claim whose value(s) map to a role; null: no mapping, everyone is a 'user'. */
    roleClaim: printable('roleClaim', 100).nullable().default(null),
    /** Claim value -> role name; with a role claim, a value mapping to nothing is refused at sign-in. */
    roleMapping: z.record(printable('roleMapping key', 200), roleNameSchema).default({}),
    localAccountsEnabled: z.boolean().default(true),
  })
  .strict()
  .refine((b) => b.roleClaim !== null || Object.keys(b.roleMapping).length === 0, {
    message: 'roleMapping: needs a roleClaim',
    path: ['roleMapping'],
  });
export type TenantIdentityBody = z.infer<typeof tenantIdentityBodySchema>;

/** What the ops API shows of a tenant's identity configuration: never the client secret. */
export const tenantIdentityViewSchema = z.object({
  tenant: z.string(),
  issuer: z.string(),
  clientId: z.string(),
  clientSecretSet: z.literal(true),
  displayName: z.string(),
  allowedEmailDomains: z.array(z.string()),
  roleClaim: z.string().nullable(),
  roleMapping: z.record(z.string(), roleNameSchema),
  localAccountsEnabled: z.boolean(),
  updatedAt: z.number(),
});
export type TenantIdentityView = z.infer<typeof tenantIdentityViewSchema>;

/** `GET /api/auth/methods`: how one signs in on this tenant's web app. */
export const authMethodsSchema = z.object({
  local: z.boolean(),
  oidc: z.object({ displayName: z.string(), startUrl: z.string() }).nullable(),
});
export type AuthMethods = z.infer<typeof authMethodsSchema>;

/**
 * Why an OpenID Connect sign-in was refused: the callback redirects to
 * `/login?error=<code>`, and the web app explains the code (OIDC_ERROR_MESSAGES).
 */
export const OIDC_ERROR_MESSAGES = {
  'oidc-not-configured': 'This site does not sign in with an identity provider.',
  'oidc-bad-state':
    'This sign-in link is not valid any more (it was used already, expired, or was altered). Start again.',
  'oidc-provider-error': 'The identity provider refused the sign-in.',
  'oidc-token-rejected': 'The identity provider’s answer could not be verified. Start again.',
  'oidc-provider-unavailable': 'The identity provider cannot be reached. Try again later.',
  'oidc-email-missing': 'The identity provider did not tell a verified e-mail address.',
  'oidc-email-domain': 'Accounts with this e-mail domain may not sign in here.',
  'oidc-role': 'Your account at the identity provider has no role that may sign in here.',
  'oidc-email-taken':
    'An account with this e-mail address already exists here with a password. Sign in with your password.',
  'oidc-registration-closed': 'Accounts on this site are made by invitation. Ask an administrator for one.',
  'oidc-pending-approval': 'Your account awaits an administrator’s approval. Try again once approved.',
} as const;
export type OidcErrorCode = keyof typeof OIDC_ERROR_MESSAGES;
