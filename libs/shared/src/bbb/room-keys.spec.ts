import { bbbApiRoomKey, mayBeWebRoomMeeting, roomKeysOfMeeting, tenantOfRoomKey } from './room-keys.js';
import { nodeMeetingId } from './tenant-names.js';

describe('the room keys of a meeting a node lists', () => {
  it('are the meetingID itself (a web room, or a room placed by that key) and the BBB API meeting key', () => {
    expect(roomKeysOfMeeting('course-101')).toEqual(['course-101', 'bbb:course-101']);
  });

  it('hash a meetingID too long for a room key on the BBB API side', () => {
    const long = 'x'.repeat(256);
    expect(roomKeysOfMeeting(long)).toEqual([long, bbbApiRoomKey(long)]);
    expect(bbbApiRoomKey(long)).toMatch(/^bbb:sha256:[0-9a-f]{64}$/);
  });

  it("keep a tenant's prefix when hashed, so the tenant of every BBB API room is known", () => {
    const long = nodeMeetingId('uni-a', 'y'.repeat(300));
    expect(bbbApiRoomKey(long)).toMatch(/^bbb:uni-a~sha256:[0-9a-f]{64}$/);
    expect(tenantOfRoomKey(bbbApiRoomKey(long))).toBe('uni-a');
    expect(tenantOfRoomKey(bbbApiRoomKey(nodeMeetingId('uni-a', 'course')))).toBe('uni-a');
    expect(tenantOfRoomKey(bbbApiRoomKey(nodeMeetingId('default', 'course')))).toBeUndefined();
    expect(tenantOfRoomKey('web-rAbCdEfGhIjKl')).toBeUndefined();
  });

  it('tell a meetingID a web room can have (`web-<roomId>`) from one it cannot', () => {
    expect(mayBeWebRoomMeeting('web-rAbCdEfGhIjKl')).toBe(true);
    expect(mayBeWebRoomMeeting('course-101')).toBe(false);
  });
});
