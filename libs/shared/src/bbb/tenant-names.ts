import { TENANT_NAME_REGEX } from '@ensemble/contracts';

/**
 * Tenants (decision 110): a name is a DNS label, so that it can be the first label of
 * the tenant's host name (`<tenant>.<base domain>`). `default` is the tenant of every
 * installation from before tenants: its meetings keep the meetingID they were given.
 */
export const DEFAULT_TENANT = 'default';

/** Defined once, with the contracts that validate tenant names. */
export { TENANT_NAME_REGEX };

/** Between the tenant's name and its meetingID on the node (a DNS label never holds it). */
export const TENANT_SEPARATOR = '~';

export const isTenantName = (name: string): boolean => TENANT_NAME_REGEX.test(name);

/**
 * The meetingID a node is given for a tenant's meeting: namespaced, so two tenants may
 * use the same meetingID without meeting each other; the default tenant's as it was sent.
 */
export function nodeMeetingId(tenant: string, meetingID: string): string {
  return tenant === DEFAULT_TENANT ? meetingID : `${tenant}${TENANT_SEPARATOR}${meetingID}`;
}

/**
 * The tenant and the meetingID it sent, read back from a node's meetingID. A meetingID
 * without a known tenant's prefix is the default tenant's (`isKnown` tells the names in use:
 * a default-tenant meetingID that merely looks namespaced stays the default tenant's).
 */
export function tenantMeetingOf(
  nodeId: string,
  isKnown: (tenant: string) => boolean,
): { tenant: string; meetingID: string } {
  const at = nodeId.indexOf(TENANT_SEPARATOR);
  if (at > 0) {
    const tenant = nodeId.slice(0, at);
    if (tenant !== DEFAULT_TENANT && isTenantName(tenant) && isKnown(tenant)) {
      return { tenant, meetingID: nodeId.slice(at + 1) };
    }
  }
  return { tenant: DEFAULT_TENANT, meetingID: nodeId };
}

/**
 * The tenant prefix a room key keeps even when its meetingID is hashed (`bbb:<tenant>~…`),
 * so that the scheduler can count a tenant's rooms; undefined for the default tenant's.
 */
export function tenantOfNodeMeetingId(nodeId: string): string | undefined {
  const at = nodeId.indexOf(TENANT_SEPARATOR);
  if (at <= 0) return undefined;
  const tenant = nodeId.slice(0, at);
  return isTenantName(tenant) && tenant !== DEFAULT_TENANT ? tenant : undefined;
}
