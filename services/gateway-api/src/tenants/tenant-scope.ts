import { DEFAULT_TENANT, TENANT_SEPARATOR, nodeMeetingId, tenantMeetingOf } from '@ensemble/shared';
import type { Tenant } from './tenant.js';

/** A web-app room's meetingID (`web-r` + its id): the web app's, never a BBB API meeting of any tenant. */
const WEB_ROOM_MEETING = /^web-r[A-Za-z0-9_-]{12}$/;

/**
 * One BBB API call's tenant (decision 110): the meetingIDs its nodes are given, which of the
 * fleet's meetings are its own, and its answers with the meetingIDs it sent.
 */
export class TenantScope {
  private readonly prefix: string;

  constructor(
    readonly tenant: Tenant,
    private readonly isKnown: (name: string) => boolean,
  ) {
    this.prefix = tenant.name === DEFAULT_TENANT ? '' : `${tenant.name}${TENANT_SEPARATOR}`;
  }

  get name(): string {
    return this.tenant.name;
  }

  /** The meetingID the node is given for the one this tenant sent. */
  nodeMeetingId(meetingID: string): string {
    return nodeMeetingId(this.tenant.name, meetingID);
  }

  /** Whether a meeting a node runs (by its node meetingID) is this tenant's BBB API meeting. */
  owns(nodeMeetingID: string): boolean {
    if (this.prefix) return nodeMeetingID.startsWith(this.prefix);
    return (
      !WEB_ROOM_MEETING.test(nodeMeetingID) && tenantMeetingOf(nodeMeetingID, this.isKnown).tenant === DEFAULT_TENANT
    );
  }

  /**
   * A BBB answer with this tenant's meetingIDs as it sent them: `<meetingID>` elements, and
   * the `<meetingId>` a recording's metadata repeats.
   */
  shown(body: string): string {
    if (!this.prefix || !body.includes(this.prefix)) return body;
    let out = body;
    for (const el of ['meetingID', 'meetingId']) {
      out = out
        .replaceAll(`<${el}>${this.prefix}`, `<${el}>`)
        .replaceAll(`<${el}><![CDATA[${this.prefix}`, `<${el}><![CDATA[`);
    }
    return out;
  }
}
