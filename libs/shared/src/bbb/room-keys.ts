import { createHash } from 'node:crypto';
import { roomKeySchema } from '@ensemble/contracts';
import { TENANT_SEPARATOR, tenantOfNodeMeetingId } from './tenant-names.js';

const BBB_API_PREFIX = 'bbb:';

/**
 * The scheduler's room key for a meetingID created through the BBB API: namespaced
 * so that BBB API meetings never collide with rooms of the web app (whose room key is
 * their meetingID); IDs too long for a room key, or with control characters, are hashed,
 * keeping a tenant's prefix (`bbb:<tenant>~sha256:…`, decision 110) so that the scheduler
 * can still tell whose room it is. `meetingID` is the node's (`nodeMeetingId`).
 */
export function bbbApiRoomKey(meetingID: string): string {
  const key = BBB_API_PREFIX + meetingID;
  if (roomKeySchema.safeParse(key).success) return key;
  const tenant = tenantOfNodeMeetingId(meetingID);
  const prefix = tenant ? `${BBB_API_PREFIX}${tenant}${TENANT_SEPARATOR}` : BBB_API_PREFIX;
  return `${prefix}sha256:${createHash('sha256').update(meetingID, 'utf8').digest('hex')}`;
}

/** The tenant a BBB API room key belongs to; undefined for the default tenant's and web rooms. */
export function tenantOfRoomKey(roomKey: string): string | undefined {
  return roomKey.startsWith(BBB_API_PREFIX) ? tenantOfNodeMeetingId(roomKey.slice(BBB_API_PREFIX.length)) : undefined;
}

/** The room keys a meeting running on a BBB node can belong to: a web-app room's (or one placed by that key) or a BBB API meeting's. */
export const roomKeysOfMeeting = (meetingID: string): [string, string] => [meetingID, bbbApiRoomKey(meetingID)];

/**
 * Whether a meetingID can be a web-app room's (`web-<roomId>`, whose room key is the
 * meetingID). A BBB API client may name a meeting so too: the node cannot tell them apart.
 */
export const mayBeWebRoomMeeting = (meetingID: string): boolean => meetingID.startsWith('web-');
