import { DEFAULT_TENANT, isTenantName } from '@ensemble/shared';

/** `/t/<tenant>/…`: a tenant reached by path, for set-ups without wildcard DNS. */
export const TENANT_PATH = /^\/t\/([^/?#]{1,63})(?=[/?#]|$)/;

/**
 * The tenant a request names (decision 110): by path first (`/t/<tenant>/bigbluebutton/api`),
 * then by host (`<tenant>.<base domain>`); otherwise the default tenant. The name is only
 * what the request says: whether such a tenant exists is the directory's to tell.
 */
export function tenantNamed(path: string, host: string, baseDomain: string | undefined): string {
  const byPath = TENANT_PATH.exec(path);
  if (byPath) return byPath[1]!;
  if (baseDomain) {
    const h = host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
    if (h.endsWith(`.${baseDomain}`)) {
      const label = h.slice(0, -(baseDomain.length + 1));
      // A deeper name (a.b.<base>) names no tenant: refused as an unknown one, not the default.
      return isTenantName(label) ? label : `!${label}`;
    }
  }
  return DEFAULT_TENANT;
}
