import { DEFAULT_TENANT, TENANT_SEPARATOR, nodeMeetingId, tenantMeetingOf } from '@ensemble/shared';
import type { PlacementTenant } from '@ensemble/contracts';
import type { Tenant } from './tenant.js';

/** A web-app room's meetingID (`web-r` + its id): the web app's, never a BBB API meeting of any tenant. */
const WEB_ROOM_MEETING = /^web-r[A-Za-z0-9_-]{12}$/;

/**
 * One BBB API call's tenant (decision 110): the meetingIDs its nodes are given, which of the
 * fleet's meetings are its own, and its answers with the meetingIDs it sent.
 */
export class TenantScope {
  private readonly prefix: string;

  constructor(readonly tenant: Tenant) {
    // The default tenant's meetingIDs carry a prefix only when they looked namespaced.
    this.prefix = `${tenant.name}${TENANT_SEPARATOR}`;
  }

  get name(): string {
    return this.tenant.name;
  }

  /** The tenant's placement rules and quotas for the scheduler (decision 112); undefined when it has none. */
  get placement(): PlacementTenant | undefined {
    const t = this.tenant;
    if (!t.requiredTags.length && t.loadWeight === 1 && t.maxMeetings === null && t.maxParticipants === null) {
      return undefined;
    }
    return {
      name: t.name,
      ...(t.requiredTags.length ? { requiredTags: [...t.requiredTags] } : {}),
      ...(t.loadWeight !== 1 ? { loadWeight: Math.min(10, Math.max(0.1, t.loadWeight)) } : {}),
      ...(t.maxMeetings !== null ? { maxMeetings: t.maxMeetings } : {}),
      ...(t.maxParticipants !== null ? { maxParticipants: t.maxParticipants } : {}),
    };
  }

  /** The meetingID the node is given for the one this tenant sent. */
  nodeMeetingId(meetingID: string): string {
    return nodeMeetingId(this.tenant.name, meetingID);
  }

  /** Whether a meeting a node runs (by its node meetingID) is this tenant's BBB API meeting. */
  owns(nodeMeetingID: string): boolean {
    if (this.tenant.name !== DEFAULT_TENANT) return nodeMeetingID.startsWith(this.prefix);
    return !WEB_ROOM_MEETING.test(nodeMeetingID) && tenantMeetingOf(nodeMeetingID).tenant === DEFAULT_TENANT;
  }

  /**
   * A BBB answer with this tenant's meetingIDs as it sent them: `<meetingID>` elements, and
   * the `<meetingId>` a recording's metadata repeats.
   */
  shown(body: string): string {
    if (!body.includes(this.prefix)) return body;
    let out = body;
    for (const el of ['meetingID', 'meetingId']) {
      out = out
        .replaceAll(`<${el}>${this.prefix}`, `<${el}>`)
        .replaceAll(`<${el}><![CDATA[${this.prefix}`, `<${el}><![CDATA[`);
    }
    return out;
  }
}
