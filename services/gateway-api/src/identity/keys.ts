/**
 * Redis keys of OpenID Connect sign-ins (decision 120): hot state that may be lost (a lost
 * flow is a sign-in to start again).
 *
 *   ens:gw:oidc:flow:<sha256 hex of state>   JSON of a started flow (PKCE verifier, nonce,
 *                                            tenant, redirect URI), expires after FLOW_TTL_S,
 *                                            read once and deleted (GETDEL)
 */
export const KEY_PREFIX = 'ens:gw:oidc:';

export const keys = {
  flow: (stateHash: string) => `${KEY_PREFIX}flow:${stateHash}`,
} as const;
