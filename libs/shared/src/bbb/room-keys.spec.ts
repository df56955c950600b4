import { bbbApiRoomKey, roomKeysOfMeeting } from './room-keys.js';

describe('the room keys of a meeting a node lists', () => {
  it('are the BBB API meeting key alone for a meetingID no web room can have', () => {
    expect(roomKeysOfMeeting('course-101')).toEqual(['bbb:course-101', '']);
  });

  it('are the web room key and the BBB API key for a web room meetingID (the node cannot tell them apart)', () => {
    expect(roomKeysOfMeeting('web-rAbCdEfGhIjKl')).toEqual(['web-rAbCdEfGhIjKl', 'bbb:web-rAbCdEfGhIjKl']);
  });

  it('hash a meetingID too long for a room key, as the BBB API does', () => {
    const long = 'x'.repeat(256);
    expect(roomKeysOfMeeting(long)).toEqual([bbbApiRoomKey(long), '']);
    expect(bbbApiRoomKey(long)).toMatch(/^bbb:sha256:[0-9a-f]{64}$/);
  });
});
