import { type Attendee, type Meeting, videoCount } from './meeting-store.js';
import { type Recording, SIM_FORMAT } from './recording-store.js';
import { xmlElement as el, xmlResponse as response } from '@ensemble/contracts';

/**
 * Response rendering. Element names and order follow BBB's FreeMarker
 * templates (bigbluebutton-web/src/main/webapp/WEB-INF/freemarker/*.ftlx).
 * Like BBB (no XML declaration, <#compress>), one element per line.
 */

/** Metadata and customdata names are user input; only names that are valid XML can be emitted. */
const XML_NAME = /^[A-Za-z_][A-Za-z0-9._-]*$/;
const dynamic = (record: Record<string, string>): string[] =>
  Object.entries(record)
    .filter(([k]) => XML_NAME.test(k) && !/^xml/i.test(k))
    .map(([k, v]) => el(k, v));

export function versionXml(o: {
  apiVersion: string;
  bbbVersion: string;
  graphqlWebsocketUrl: string;
  graphqlApiUrl: string;
}): string {
  return response([
    el('returncode', 'SUCCESS'),
    el('version', o.apiVersion),
    el('apiVersion', o.apiVersion),
    el('bbbVersion', o.bbbVersion),
    el('graphqlWebsocketUrl', o.graphqlWebsocketUrl),
    el('graphqlApiUrl', o.graphqlApiUrl),
  ]);
}

/** create-meeting.ftlx */
export function createXml(m: Meeting, msgKey = '', msg = ''): string {
  const lines = [
    el('returncode', 'SUCCESS'),
    el('meetingID', m.meetingID),
    el('internalMeetingID', m.internalMeetingID),
    el('parentMeetingID', m.parentMeetingID),
  ];
  if (m.attendeePW) lines.push(el('attendeePW', m.attendeePW));
  if (m.moderatorPW) lines.push(el('moderatorPW', m.moderatorPW));
  lines.push(
    el('createTime', m.createTime),
    el('voiceBridge', m.voiceBridge),
    el('dialNumber', m.dialNumber),
    el('createDate', m.createDate),
    el('hasUserJoined', m.hasUserJoined),
    el('duration', m.duration),
    el('hasBeenForciblyEnded', m.hasBeenForciblyEnded),
    el('messageKey', msgKey),
    el('message', msg),
  );
  return response(lines);
}

function attendeeXml(a: Attendee): string {
  const lines = [
    el('userID', a.userID),
    el('fullName', a.fullName),
    el('role', a.role),
    el('isPresenter', a.isPresenter),
    el('isListeningOnly', a.isListeningOnly),
    el('hasJoinedVoice', a.hasJoinedVoice),
    el('hasVideo', a.hasVideo),
    el('clientType', a.clientType),
  ];
  if (Object.keys(a.customdata).length > 0) lines.push(`<customdata>${dynamic(a.customdata).join('')}</customdata>`);
  return `<attendee>\n${lines.join('\n')}\n</attendee>`;
}

/** The meeting body shared by get-meeting-info.ftlx and get-meetings.ftlx (same order in both). */
function meetingBody(m: Meeting, passwordsIfPresent: boolean): string[] {
  const lines = [
    el('meetingName', m.meetingName),
    el('meetingID', m.meetingID),
    el('internalMeetingID', m.internalMeetingID),
    el('createTime', m.createTime),
    el('createDate', m.createDate),
    el('voiceBridge', m.voiceBridge),
    el('dialNumber', m.dialNumber),
  ];
  if (!passwordsIfPresent || m.attendeePW) lines.push(el('attendeePW', m.attendeePW));
  if (!passwordsIfPresent || m.moderatorPW) lines.push(el('moderatorPW', m.moderatorPW));
  const listeners = m.attendees.filter((a) => a.isListeningOnly).length;
  const voice = m.attendees.filter((a) => a.hasJoinedVoice).length;
  const moderators = m.attendees.filter((a) => a.role === 'MODERATOR').length;
  lines.push(
    el('running', m.running),
    el('duration', m.duration),
    el('hasUserJoined', m.hasUserJoined),
    el('recording', m.recording),
    el('hasBeenForciblyEnded', m.hasBeenForciblyEnded),
    el('startTime', m.startTime),
    el('endTime', m.endTime),
    el('participantCount', m.attendees.length),
    el('listenerCount', listeners),
    el('voiceParticipantCount', voice),
    el('videoCount', videoCount(m)),
    el('maxUsers', m.maxUsers),
    el('moderatorCount', moderators),
    m.attendees.length === 0
      ? '<attendees>\n</attendees>'
      : `<attendees>\n${m.attendees.map(attendeeXml).join('\n')}\n</attendees>`,
    `<metadata>${dynamic(m.metadata).join('')}</metadata>`,
  );
  return lines;
}

/** get-meeting-info.ftlx (messageKey/message only when non-empty, which getMeetingInfo never sets). */
export function meetingInfoXml(m: Meeting): string {
  return response([el('returncode', 'SUCCESS'), ...meetingBody(m, true), el('isBreakout', m.isBreakout)]);
}

/** get-meetings.ftlx: <meetings> list, or <meetings/> plus messageKey/message when empty. */
export function meetingsXml(list: readonly Meeting[]): string {
  if (list.length === 0) {
    return response([
      el('returncode', 'SUCCESS'),
      '<meetings/>',
      el('messageKey', 'noMeetings'),
      el('message', 'no meetings were found on this server'),
    ]);
  }
  const meetings = list.map(
    (m) => `<meeting>\n${[...meetingBody(m, false), el('isBreakout', m.isBreakout)].join('\n')}\n</meeting>`,
  );
  return response([el('returncode', 'SUCCESS'), `<meetings>\n${meetings.join('\n')}\n</meetings>`]);
}

/** join-meeting.ftlx (redirect=false). */
export function joinXml(o: {
  meetingId: string;
  userId: string;
  authToken: string;
  sessionToken: string;
  guestStatus: string;
  url: string;
}): string {
  return response([
    el('returncode', 'SUCCESS'),
    el('messageKey', 'successfullyJoined'),
    el('message', 'You have joined successfully.'),
    el('meeting_id', o.meetingId),
    el('user_id', o.userId),
    el('auth_token', o.authToken),
    el('session_token', o.sessionToken),
    el('guestStatus', o.guestStatus),
    el('url', o.url),
  ]);
}

/**
 * getRecordings, as BBB's get-recordings template renders it (presentation playback only).
 * A recording still processing has no playback yet.
 */
export function recordingsXml(list: readonly Recording[], origin: string): string {
  if (list.length === 0) {
    return response([
      el('returncode', 'SUCCESS'),
      '<recordings>',
      '</recordings>',
      el('messageKey', 'noRecordings'),
      el('message', 'There are no recordings for the meeting(s).'),
    ]);
  }
  const playback = (r: Recording) =>
    r.state === 'processing'
      ? []
      : [
          '<format>',
          el('type', SIM_FORMAT),
          el('url', `${origin}/playback/${SIM_FORMAT}/2.3/${r.recordID}`),
          el('processingTime', r.processingTime),
          el('length', recordingLengthMinutes(r)),
          el('size', r.size),
          '</format>',
        ];
  const recording = (r: Recording) =>
    [
      '<recording>',
      el('recordID', r.recordID),
      el('meetingID', r.meetingID),
      el('internalMeetingID', r.internalMeetingID),
      el('name', r.name),
      el('isBreakout', r.isBreakout),
      el('published', r.state === 'published'),
      el('state', r.state),
      el('startTime', r.startTime),
      el('endTime', r.endTime),
      el('participants', r.participants),
      el('rawSize', r.rawSize),
      '<metadata>',
      ...dynamic(r.metadata),
      '</metadata>',
      el('size', r.size),
      '<playback>',
      ...playback(r),
      '</playback>',
      '<data>',
      '</data>',
      '</recording>',
    ].join('\n');
  return response([
    el('returncode', 'SUCCESS'),
    '<recordings>',
    ...list.map(recording),
    '</recordings>',
    el('messageKey', ''),
    el('message', ''),
  ]);
}

/** BBB's `length`: whole minutes, at least 1. */
export const recordingLengthMinutes = (r: Recording): number =>
  Math.max(1, Math.round((r.endTime - r.startTime) / 60_000));

/** publishRecordings / updateRecordings / deleteRecordings: `<published|updated|deleted>true`. */
export function recordingChangeXml(what: 'published' | 'updated' | 'deleted', value: boolean): string {
  return response([el('returncode', 'SUCCESS'), el(what, value)]);
}
