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

/** The name before the first `~`, when it is a DNS label: the tenant a node meetingID names. */
function prefixOf(nodeId: string): string | undefined {
  const at = nodeId.indexOf(TENANT_SEPARATOR);
  if (at <= 0) return undefined;
  const name = nodeId.slice(0, at);
  return isTenantName(name) ? name : undefined;
}

/**
 * The meetingID a node is given for a tenant's meeting: namespaced, so two tenants may
 * use the same meetingID without meeting each other. The default tenant's goes as it was
 * sent, unless it looks namespaced (`x~…`): then it gets the default tenant's own prefix
 * (`default~x~…`), so that no default-tenant meetingID can ever be another tenant's.
 */
export function nodeMeetingId(tenant: string, meetingID: string): string {
  if (tenant !== DEFAULT_TENANT || prefixOf(meetingID) !== undefined) {
    return `${tenant}${TENANT_SEPARATOR}${meetingID}`;
  }
  return meetingID;
}

/**
 * The tenant and the meetingID it sent, read back from a node's meetingID: the inverse of
 * `nodeMeetingId` (the tenant may since have been removed).
 */
export function tenantMeetingOf(nodeId: string): { tenant: string; meetingID: string } {
  const tenant = prefixOf(nodeId);
  if (tenant === undefined) return { tenant: DEFAULT_TENANT, meetingID: nodeId };
  return { tenant, meetingID: nodeId.slice(tenant.length + 1) };
}

/**
 * The tenant prefix a room key keeps even when its meetingID is hashed (`bbb:<tenant>~…`),
 * so that the scheduler can count a tenant's rooms; undefined for the default tenant's.
 */
export function tenantOfNodeMeetingId(nodeId: string): string | undefined {
  const tenant = prefixOf(nodeId);
  return tenant === DEFAULT_TENANT ? undefined : tenant;
}
