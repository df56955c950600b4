import type { OidcErrorCode, RoleName } from '@ensemble/contracts';

/** What the admission reads of a verified ID token's claims. */
export type Claims = Record<string, unknown>;

/** The part of a tenant's configuration that decides who may sign in (decision 120). */
export interface AdmissionRules {
  allowedEmailDomains: string[];
  roleClaim: string | null;
  roleMapping: Record<string, string>;
}

export type Admission =
  | { ok: true; sub: string; email: string; name: string; role: RoleName }
  | { ok: false; code: OidcErrorCode; detail: string };

/** Most powerful first: a person in two mapped groups gets the higher role. */
const RANK: RoleName[] = ['administrator', 'user', 'guest'];

const refuse = (code: OidcErrorCode, detail: string): Admission => ({ ok: false, code, detail });

/**
 * Who the verified ID token says signs in, and whether this tenant admits them: an e-mail
 * the provider has not marked unverified, in an allowed domain; with a role claim
 * configured, a value of it that maps to a role (one mapping to nothing is refused, not
 * defaulted: an unknown group is nobody's decision to let in).
 */
export function admit(claims: Claims, rules: AdmissionRules): Admission {
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub === '') return refuse('oidc-token-rejected', 'no sub claim');
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
  if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254 || claims.email_verified === false) {
    return refuse('oidc-email-missing', 'no verified e-mail claim');
  }
  const domain = email.slice(email.lastIndexOf('@') + 1);
  if (rules.allowedEmailDomains.length > 0 && !rules.allowedEmailDomains.includes(domain)) {
    return refuse('oidc-email-domain', `e-mail domain ${domain} not allowed`);
  }
  let role: RoleName = 'user';
  if (rules.roleClaim !== null) {
    const raw = claims[rules.roleClaim];
    const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
    const mapped = new Set(values.map((v) => rules.roleMapping[v]).filter((r) => r !== undefined));
    const best = RANK.find((r) => mapped.has(r));
    if (!best) return refuse('oidc-role', `claim ${rules.roleClaim} maps to no role`);
    role = best;
  }
  const rawName = typeof claims.name === 'string' ? claims.name : '';
  // Shown to others: no control characters, at most 100 as a typed name.
  let printable = '';
  for (let i = 0; i < rawName.length; i++) {
    const c = rawName.charCodeAt(i);
    if (c >= 0x20 && c !== 0x7f) printable += rawName[i];
  }
  const name = (printable.trim() || email.slice(0, email.indexOf('@'))).slice(0, 100);
  return { ok: true, sub, email, name, role };
}
