import { type JoinRole, type RoomSettings } from '@ensemble/contracts';
import { encodeQuery } from '@ensemble/shared';

/** What the meeting side needs of a room. */
export interface MeetingRoom {
  id: string;
  name: string;
  settings: RoomSettings;
}

/** The room's key at the scheduler and its meetingID on BBB (namespaced apart from BBB API integrations). */
export const meetingIdOf = (roomId: string): string => `web-${roomId}`;
/** A meetingID `meetingIdOf` gives (room ids are `r` and 12 URL-safe characters), as a PostgreSQL regex. */
export const ROOM_MEETING_ID_REGEX = '^web-r[A-Za-z0-9_-]{12}$';
/** The room whose meeting this is, or null for any other meetingID (a BBB API integration's). */
export const roomIdOfMeeting = (meetingId: string): string | null =>
  new RegExp(ROOM_MEETING_ID_REGEX).test(meetingId) ? meetingId.slice('web-'.length) : null;

/** A room's settings as BBB `create` parameters (BBB 2.6+ names). */
export function createQuery(room: MeetingRoom, logoutURL?: string): string {
  const s = room.settings;
  return encodeQuery({
    meetingID: meetingIdOf(room.id),
    name: room.name,
    muteOnStart: s.muteOnJoin,
    guestPolicy: s.requireApproval ? 'ASK_MODERATOR' : 'ALWAYS_ACCEPT',
    record: s.record,
    autoStartRecording: false,
    allowStartStopRecording: s.record,
    ...(s.welcome ? { welcome: s.welcome } : {}),
    ...(s.maxParticipants > 0 ? { maxParticipants: s.maxParticipants } : {}),
    ...(logoutURL ? { logoutURL } : {}),
    'meta_ensemble-room': room.id,
  });
}

/** The role a link holder joins with: "everyone joins as moderator" lifts participants. */
export const effectiveRole = (linkRole: JoinRole, settings: RoomSettings): JoinRole =>
  settings.allJoinAsModerator ? 'moderator' : linkRole;

/** BBB `join` parameters; participants of an approval room join as guests, so BBB asks a moderator. */
export function joinQuery(room: MeetingRoom, role: JoinRole, fullName: string): string {
  const viewer = role === 'viewer';
  return encodeQuery({
    fullName,
    meetingID: meetingIdOf(room.id),
    role: viewer ? 'VIEWER' : 'MODERATOR',
    ...(viewer && room.settings.requireApproval ? { guest: true } : {}),
  });
}

/** Whether this joiner may create the meeting (otherwise it waits for a moderator). */
export const mayStart = (role: JoinRole, settings: RoomSettings): boolean =>
  role === 'moderator' || settings.anyoneCanStart;
