import { DomainError, type OidcErrorCode } from '@ensemble/contracts';
import type { Logger } from '@ensemble/shared';
import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import type { AccountsRepository, StoredUser } from '../accounts/accounts.repository.js';
import type { AccountsService, SiteSettingsPort } from '../accounts/accounts.service.js';
import { admit } from './oidc-admission.js';
import type { OidcFlowStore } from './oidc-flows.store.js';
import type { TenantIdentity, TenantIdentityRepository } from './tenant-identity.repository.js';

/** A refused sign-in: the callback redirects to the web app with its code. */
export class OidcRefusal extends Error {
  constructor(
    readonly code: OidcErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

/** An account made by a provider has no password: this never verifies as an scrypt hash. */
const NO_PASSWORD = '!oidc';
const SCOPE = 'openid email profile';
const HTTP_TIMEOUT_S = 10;
/** Provider metadata and keys are read again after this (a rotated key is found then, or at once on an unknown kid). */
const DISCOVERY_TTL_MS = 10 * 60_000;

/**
 * Sign-in with a tenant's OpenID Provider (decision 120), through openid-client (certified):
 * authorization code with PKCE (S256), `state` and `nonce`, the ID token's signature, issuer,
 * audience, expiry and nonce verified by the library. This class decides the rest: who is
 * admitted (oidc-admission.ts) and which account they are (by the provider's `sub`, never by
 * e-mail alone).
 */
export class OidcService {
  private readonly discovered = new Map<string, { at: number; config: Promise<client.Configuration> }>();

  constructor(
    private readonly identities: TenantIdentityRepository,
    private readonly users: AccountsRepository,
    private readonly accounts: AccountsService,
    private readonly flows: OidcFlowStore,
    private readonly site: SiteSettingsPort,
    private readonly logger: Logger,
  ) {}

  /** The tenant's provider, or null when it has none. */
  async identityOf(tenant: string): Promise<TenantIdentity | null> {
    return this.identities.get(tenant);
  }

  /** Where to send the browser: the provider's authorization endpoint, with a flow kept here. */
  async start(tenant: string, redirectUri: string): Promise<URL> {
    const identity = await this.identities.get(tenant);
    if (!identity) throw new DomainError('not-found', 'this site does not sign in with an identity provider');
    let config: client.Configuration;
    try {
      config = await this.configOf(identity);
    } catch (e) {
      this.logger.warn('oidc discovery failed', { tenant, issuer: identity.issuer, error: (e as Error).message });
      throw new DomainError('unavailable', 'the identity provider cannot be reached; try again later');
    }
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    await this.flows.put(state, {
      tenant,
      issuer: identity.issuer,
      clientId: identity.clientId,
      redirectUri,
      codeVerifier,
      nonce,
    });
    return client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: SCOPE,
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
  }

  /**
   * The provider's redirect back: the flow its state names (taken once), the code exchanged
   * with the PKCE verifier, the ID token verified (signature, issuer, audience, expiry, nonce),
   * the person admitted, their account found or made. A session token for it, or a refusal.
   */
  async callback(tenant: string, query: URLSearchParams): Promise<{ token: string; userId: string }> {
    const state = query.get('state') ?? '';
    const flow = await this.flows.take(state);
    if (!flow || flow.tenant !== tenant) throw new OidcRefusal('oidc-bad-state', 'unknown, used or expired state');
    const identity = await this.identities.get(tenant);
    if (!identity || identity.issuer !== flow.issuer || identity.clientId !== flow.clientId) {
      throw new OidcRefusal('oidc-bad-state', 'the provider changed since the sign-in started');
    }
    if (query.has('error')) {
      throw new OidcRefusal('oidc-provider-error', `provider answered ${query.get('error')?.slice(0, 100)}`);
    }
    let claims: Record<string, unknown>;
    try {
      const config = await this.configOf(identity);
      const tokens = await client.authorizationCodeGrant(config, new URL(`${flow.redirectUri}?${query.toString()}`), {
        pkceCodeVerifier: flow.codeVerifier,
        expectedState: state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      claims = { ...tokens.claims() };
    } catch (e) {
      throw refusalOf(e);
    }
    const admission = admit(claims, identity);
    if (!admission.ok) throw new OidcRefusal(admission.code, admission.detail);

    // The claim sets the account's role only where the tenant reads one (decision 124):
    // otherwise every admission says 'user', and would undo an administrator's choice.
    const syncRole = identity.roleClaim !== null;
    let user = await this.users.byOidc(tenant, identity.issuer, admission.sub);
    if (user) {
      await this.users.setIdpRole(user.id, admission.role, syncRole);
    } else {
      // Never taken over by e-mail: an account with a password stays its owner's.
      if (await this.users.byEmail(tenant, admission.email)) {
        throw new OidcRefusal('oidc-email-taken', 'a local account has this e-mail');
      }
      const site = await this.site.settings(tenant);
      if (site.registration === 'invite') {
        throw new OidcRefusal('oidc-registration-closed', 'registration is by invitation: no account is made');
      }
      const fresh: StoredUser = {
        id: `u_${randomBytes(12).toString('base64url')}`,
        tenant,
        email: admission.email,
        name: admission.name,
        passwordHash: NO_PASSWORD,
        createdAt: Date.now(),
        role: admission.role,
        approved: site.registration === 'open',
      };
      if (await this.users.createOidc(fresh, identity.issuer, admission.sub, admission.role)) {
        user = fresh;
        this.logger.info('oidc account created', { tenant, userId: fresh.id, role: admission.role });
      } else {
        // Lost a race: the same subject signed in at the same moment (found now), or the e-mail was taken.
        user = await this.users.byOidc(tenant, identity.issuer, admission.sub);
        if (!user) throw new OidcRefusal('oidc-email-taken', 'a local account has this e-mail');
      }
    }
    if (!user.approved) throw new OidcRefusal('oidc-pending-approval', 'the account awaits approval');
    return { token: await this.accounts.startSession(tenant, user.id), userId: user.id };
  }

  /** Discovery per provider configuration, kept a while; a failed one is not kept. */
  private configOf(identity: TenantIdentity): Promise<client.Configuration> {
    const key = `${identity.tenant}\n${identity.issuer}\n${identity.clientId}\n${identity.updatedAt}`;
    const cached = this.discovered.get(key);
    if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.config;
    for (const k of this.discovered.keys()) if (k.startsWith(`${identity.tenant}\n`)) this.discovered.delete(k);
    const issuer = new URL(identity.issuer);
    const config = client.discovery(
      issuer,
      identity.clientId,
      identity.clientSecret,
      client.ClientSecretBasic(identity.clientSecret),
      {
        timeout: HTTP_TIMEOUT_S,
        // http only for a provider on loopback (the issuer's schema refuses any other).
        ...(issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
      },
    );
    // The ID token's signature checked against the provider's published keys, not only its
    // issuer, audience, expiry and nonce (the library skips it by default for tokens from the
    // token endpoint).
    const verified = config.then((c) => {
      client.enableNonRepudiationChecks(c);
      return c;
    });
    this.discovered.set(key, { at: Date.now(), config: verified });
    verified.catch(() => this.discovered.delete(key));
    return verified;
  }
}

/** The library's error as a refusal; its message names the failed check, never a token. */
function refusalOf(e: unknown): OidcRefusal {
  if (e instanceof OidcRefusal) return e;
  const err = e as Error & { code?: string; error?: string };
  const detail =
    `${err.name}${err.code ? ` ${err.code}` : ''}${err.error ? ` ${err.error}` : ''}: ${err.message}${claimOf(e)}`.slice(
      0,
      300,
    );
  if (e instanceof client.AuthorizationResponseError) return new OidcRefusal('oidc-provider-error', detail);
  if (
    err.name === 'TypeError' ||
    err.name === 'AbortError' ||
    err.name === 'TimeoutError' ||
    err.code === 'OAUTH_TIMEOUT'
  )
    return new OidcRefusal('oidc-provider-unavailable', detail);
  return new OidcRefusal('oidc-token-rejected', detail);
}

/**
 * What the library's error wraps, in its own fixed words: the inner error's message (e.g.
 * "JWT signature verification failed") and the claim a failed comparison names (nonce, exp,
 * iss, aud...). Never the values the causes carry (tokens, response bodies).
 */
function claimOf(e: unknown): string {
  let said = '';
  let cause = (e as { cause?: unknown }).cause;
  for (let depth = 0; depth < 3 && cause && typeof cause === 'object'; depth++) {
    if (cause instanceof Error) said += ` (${cause.message})`;
    const claim = (cause as { claim?: unknown }).claim;
    if (typeof claim === 'string') return `${said} (claim ${claim})`;
    cause = (cause as { cause?: unknown }).cause;
  }
  return said;
}
