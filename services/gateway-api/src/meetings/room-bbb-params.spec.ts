import { roomSettingsSchema, type RoomSettings } from '@ensemble/contracts';
import { createQuery, effectiveRole, joinQuery, mayStart } from './room-bbb-params.js';

const room = (settings: Partial<RoomSettings> = {}) => ({
  id: 'rABCDEFGHIJKL',
  name: 'Maths & more',
  settings: roomSettingsSchema.parse(settings),
});
const params = (q: string) => Object.fromEntries(new URLSearchParams(q));

describe('BBB parameters of a room', () => {
  it('creates the meeting with the room settings under its own meeting id', () => {
    const q = params(
      createQuery(room({ muteOnJoin: true, requireApproval: true, welcome: 'Hi', maxParticipants: 25, record: true })),
    );
    expect(q).toMatchObject({
      meetingID: 'web-rABCDEFGHIJKL',
      name: 'Maths & more',
      muteOnStart: 'true',
      guestPolicy: 'ASK_MODERATOR',
      welcome: 'Hi',
      maxParticipants: '25',
      record: 'true',
      allowStartStopRecording: 'true',
    });
  });

  it('leaves out an empty welcome and an unlimited size, and lets everyone in without approval', () => {
    const q = params(createQuery(room()));
    expect(q.guestPolicy).toBe('ALWAYS_ACCEPT');
    expect(q).not.toHaveProperty('welcome');
    expect(q).not.toHaveProperty('maxParticipants');
  });

  it('joins participants as VIEWER, as guests only when approval is required', () => {
    expect(params(joinQuery(room(), 'viewer', 'Bo'))).toEqual({
      fullName: 'Bo',
      meetingID: 'web-rABCDEFGHIJKL',
      role: 'VIEWER',
    });
    expect(params(joinQuery(room({ requireApproval: true }), 'viewer', 'Bo')).guest).toBe('true');
    expect(params(joinQuery(room({ requireApproval: true }), 'moderator', 'Ada'))).toMatchObject({ role: 'MODERATOR' });
    expect(params(joinQuery(room({ requireApproval: true }), 'moderator', 'Ada'))).not.toHaveProperty('guest');
  });

  it('lifts participants to moderators when everyone joins as moderator', () => {
    expect(effectiveRole('viewer', room().settings)).toBe('viewer');
    expect(effectiveRole('viewer', room({ allJoinAsModerator: true }).settings)).toBe('moderator');
  });

  it('lets only moderators start a meeting unless anyone may', () => {
    expect(mayStart('moderator', room().settings)).toBe(true);
    expect(mayStart('viewer', room().settings)).toBe(false);
    expect(mayStart('viewer', room({ anyoneCanStart: true }).settings)).toBe(true);
  });
});
