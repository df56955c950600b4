/**
 * Small factories for getMeetings bodies as BBB 2.7/3.0 renders them
 * (get-meetings.ftlx: no XML declaration, one element per line).
 */
export interface MeetingFixture {
  name?: string;
  /** The meetingID as it stands in the XML (escaped); `room-<index>` by default, '' for none. */
  id?: string;
  participants: number | string;
  moderators: number | string;
  video?: number | string;
  voice?: number | string;
  listeners?: number | string;
  /** Extra metadata elements (`meta_<key>` on create), rendered as BBB does: `<key>value</key>`. */
  metadata?: Record<string, string>;
}

export function meetingXml(m: MeetingFixture, index = 0): string {
  const id = m.id ?? `room-${index}`;
  const participants = Number(m.participants);
  const moderators = Number(m.moderators);
  const attendees =
    Number.isInteger(participants) && participants >= 0 && participants < 50
      ? Array.from({ length: participants }, (_, i) =>
          [
            '<attendee>',
            `<userID>w_${index}_${i}</userID>`,
            `<fullName>User ${i} &amp; co</fullName>`,
            `<role>${i < moderators ? 'MODERATOR' : 'VIEWER'}</role>`,
            `<isPresenter>${i === 0}</isPresenter>`,
            '<isListeningOnly>false</isListeningOnly>',
            '<hasJoinedVoice>true</hasJoinedVoice>',
            '<hasVideo>false</hasVideo>',
            '<clientType>HTML5</clientType>',
            '</attendee>',
          ].join('\n'),
        )
      : [];
  return [
    '<meeting>',
    `<meetingName>${m.name ?? `Room ${index}`}</meetingName>`,
    ...(id === '' ? [] : [`<meetingID>${id}</meetingID>`]),
    `<internalMeetingID>183f0bf3a0982a127bdb8161e0c44eb696b3e75c-${1700000000000 + index}</internalMeetingID>`,
    '<createTime>1700000000000</createTime>',
    '<createDate>Tue Nov 14 22:13:20 UTC 2023</createDate>',
    `<voiceBridge>7${String(index).padStart(4, '0')}</voiceBridge>`,
    '<dialNumber>613-555-1234</dialNumber>',
    '<attendeePW>ap</attendeePW>',
    '<moderatorPW>mp</moderatorPW>',
    '<running>true</running>',
    '<duration>0</duration>',
    '<hasUserJoined>true</hasUserJoined>',
    '<recording>false</recording>',
    '<hasBeenForciblyEnded>false</hasBeenForciblyEnded>',
    '<startTime>1700000000123</startTime>',
    '<endTime>0</endTime>',
    `<participantCount>${m.participants}</participantCount>`,
    `<listenerCount>${m.listeners ?? 0}</listenerCount>`,
    ...(m.voice === undefined ? [] : [`<voiceParticipantCount>${m.voice}</voiceParticipantCount>`]),
    ...(m.video === undefined ? [] : [`<videoCount>${m.video}</videoCount>`]),
    '<maxUsers>0</maxUsers>',
    `<moderatorCount>${m.moderators}</moderatorCount>`,
    attendees.length === 0 ? '<attendees>\n</attendees>' : `<attendees>\n${attendees.join('\n')}\n</attendees>`,
    `<metadata><bbb-origin>Greenlight</bbb-origin>${Object.entries(m.metadata ?? {})
      .map(([k, v]) => `<${k}>${v}</${k}>`)
      .join('')}</metadata>`,
    '<isBreakout>false</isBreakout>',
    '</meeting>',
  ].join('\n');
}

export function getMeetingsXml(meetings: readonly MeetingFixture[]): string {
  if (meetings.length === 0) {
    return [
      '<response>',
      '<returncode>SUCCESS</returncode>',
      '<meetings/>',
      '<messageKey>noMeetings</messageKey>',
      '<message>no meetings were found on this server</message>',
      '</response>',
      '',
    ].join('\n');
  }
  return `<response>\n<returncode>SUCCESS</returncode>\n<meetings>\n${meetings.map(meetingXml).join('\n')}\n</meetings>\n</response>\n`;
}

export function failedXml(messageKey: string, message: string): string {
  return `<response>\n<returncode>FAILED</returncode>\n<messageKey>${messageKey}</messageKey>\n<message>${message}</message>\n</response>\n`;
}
