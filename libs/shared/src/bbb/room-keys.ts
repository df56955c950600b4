import { createHash } from 'node:crypto';
import { roomKeySchema } from '@ensemble/contracts';

const BBB_API_PREFIX = 'bbb:';

/**
 * The scheduler's room key for a meetingID created through the BBB API: namespaced
 * so that BBB API meetings never collide with rooms of the web app (whose room key is
 * their meetingID); IDs too long for a room key, or with control characters, are hashed.
 */
export function bbbApiRoomKey(meetingID: string): string {
  const key = BBB_API_PREFIX + meetingID;
  if (roomKeySchema.safeParse(key).success) return key;
  return `${BBB_API_PREFIX}sha256:${createHash('sha256').update(meetingID, 'utf8').digest('hex')}`;
}

/** A web-app room's meetingID (and room key) is `web-<roomId>`. */
const WEB_MEETING_PREFIX = 'web-';

/**
 * The room keys a meeting running on a BBB node can belong to: a BBB API meeting's, and
 * for a meetingID a web-app room can have (`web-...`) that room's first; '' second when
 * there is one key only. A BBB API client may name a meeting `web-...` too: the node
 * cannot tell, so such a meeting belongs to both keys until one of them is placed.
 */
export const roomKeysOfMeeting = (meetingID: string): [string, string] =>
  meetingID.startsWith(WEB_MEETING_PREFIX) ? [meetingID, bbbApiRoomKey(meetingID)] : [bbbApiRoomKey(meetingID), ''];
