import { bbbApiRoomKey, mayBeWebRoomMeeting, roomKeysOfMeeting } from './room-keys.js';

describe('the room keys of a meeting a node lists', () => {
  it('are the meetingID itself (a web room, or a room placed by that key) and the BBB API meeting key', () => {
    expect(roomKeysOfMeeting('course-101')).toEqual(['course-101', 'bbb:course-101']);
  });

  it('hash a meetingID too long for a room key on the BBB API side', () => {
    const long = 'x'.repeat(256);
    expect(roomKeysOfMeeting(long)).toEqual([long, bbbApiRoomKey(long)]);
    expect(bbbApiRoomKey(long)).toMatch(/^bbb:sha256:[0-9a-f]{64}$/);
  });

  it('tell a meetingID a web room can have (`web-<roomId>`) from one it cannot', () => {
    expect(mayBeWebRoomMeeting('web-rAbCdEfGhIjKl')).toBe(true);
    expect(mayBeWebRoomMeeting('course-101')).toBe(false);
  });
});
