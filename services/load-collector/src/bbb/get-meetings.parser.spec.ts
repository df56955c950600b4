import { BbbFailedError, BbbParseError, dropAttendees, parseGetMeetings, slimMeetings } from './get-meetings.parser.js';
import { failedXml, getMeetingsXml } from './get-meetings.test-support.js';

function parseError(xml: string): BbbParseError {
  try {
    parseGetMeetings(xml);
  } catch (e) {
    if (e instanceof BbbParseError) return e;
    throw new Error(`expected a BbbParseError, got ${String(e)}`, { cause: e });
  }
  throw new Error('expected a BbbParseError, but the body parsed');
}

describe('parsing a BBB getMeetings response', () => {
  it('sums participants, moderators, video and voice over several meetings and finds the largest', () => {
    const xml = getMeetingsXml([
      { participants: 12, moderators: 2, video: 4, voice: 10 },
      { participants: 3, moderators: 1, video: 0, voice: 3 },
      { participants: 40, moderators: 3, video: 9, voice: 25 },
    ]);
    expect(parseGetMeetings(xml)).toEqual({
      meetings: 3,
      participants: 55,
      moderators: 6,
      videoStreams: 13,
      voiceParticipants: 38,
      largestMeeting: 40,
      runningMeetings: [
        { meetingID: 'room-0', participants: 12 },
        { meetingID: 'room-1', participants: 3 },
        { meetingID: 'room-2', participants: 40 },
      ],
    });
  });

  it('lists each meeting by its ID as BBB escaped it, read back', () => {
    const xml = getMeetingsXml([
      { id: 'maths &amp; physics &#233;', participants: 2, moderators: 1 },
      { id: 'web-r1', participants: 0, moderators: 0 },
    ]);
    expect(parseGetMeetings(xml).runningMeetings).toEqual([
      { meetingID: 'maths & physics é', participants: 2 },
      { meetingID: 'web-r1', participants: 0 },
    ]);
  });

  it('reads a meeting whose metadata has a key named meeting (or meetings) in full', () => {
    const xml = getMeetingsXml([
      { participants: 2, moderators: 1, metadata: { meeting: 'x', meetings: 'y' } },
      { participants: 3, moderators: 1, metadata: { meeting: '&lt;/meeting&gt;' } },
    ]);
    expect(parseGetMeetings(xml)).toMatchObject({
      meetings: 2,
      participants: 5,
      runningMeetings: [
        { meetingID: 'room-0', participants: 2 },
        { meetingID: 'room-1', participants: 3 },
      ],
    });
  });

  it('leaves the list out when it would not fit in a sample, keeping the counts', () => {
    const many = Array.from({ length: 600 }, (_, i) => ({
      id: `${'x'.repeat(250)}-${i}`,
      participants: 1,
      moderators: 0,
    }));
    const parsed = parseGetMeetings(getMeetingsXml(many));
    expect(parsed).toMatchObject({ meetings: 600, participants: 600 });
    expect(parsed.runningMeetings).toBeUndefined();
  });

  it('keeps the counts but leaves the whole list out when one meeting has no usable ID', () => {
    const missing = parseGetMeetings(
      getMeetingsXml([
        { participants: 2, moderators: 1 },
        { id: '', participants: 3, moderators: 1 },
      ]),
    );
    expect(missing).toMatchObject({ meetings: 2, participants: 5 });
    expect(missing.runningMeetings).toBeUndefined();
    const tooLong = parseGetMeetings(getMeetingsXml([{ id: 'x'.repeat(257), participants: 1, moderators: 1 }]));
    expect(tooLong).toMatchObject({ meetings: 1, participants: 1 });
    expect(tooLong.runningMeetings).toBeUndefined();
  });

  it('treats a single meeting as a list of one', () => {
    const xml = getMeetingsXml([{ participants: 5, moderators: 1, video: 2, voice: 4 }]);
    expect(parseGetMeetings(xml)).toEqual({
      meetings: 1,
      participants: 5,
      moderators: 1,
      videoStreams: 2,
      voiceParticipants: 4,
      largestMeeting: 5,
      runningMeetings: [{ meetingID: 'room-0', participants: 5 }],
    });
  });

  it('counts a meeting nobody has joined yet as a meeting with zero participants', () => {
    const xml = getMeetingsXml([{ participants: 0, moderators: 0, video: 0, voice: 0 }]);
    expect(parseGetMeetings(xml)).toMatchObject({ meetings: 1, participants: 0, largestMeeting: 0 });
  });

  it('reads noMeetings with an empty <meetings/> as all zeros', () => {
    expect(parseGetMeetings(getMeetingsXml([]))).toEqual({
      meetings: 0,
      participants: 0,
      moderators: 0,
      videoStreams: 0,
      voiceParticipants: 0,
      largestMeeting: 0,
      runningMeetings: [],
    });
  });

  it('reads an empty <meetings></meetings> pair as all zeros too', () => {
    const xml = '<response><returncode>SUCCESS</returncode><meetings>\n</meetings></response>';
    expect(parseGetMeetings(xml).meetings).toBe(0);
  });

  it('counts video and voice as zero on an older server that does not report them', () => {
    const xml = getMeetingsXml([{ participants: 7, moderators: 1 }]);
    expect(parseGetMeetings(xml)).toMatchObject({ participants: 7, videoStreams: 0, voiceParticipants: 0 });
  });

  it('tolerates an XML declaration and surrounding whitespace', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n  ${getMeetingsXml([{ participants: 2, moderators: 1, video: 0, voice: 2 }])}  `;
    expect(parseGetMeetings(xml).participants).toBe(2);
  });

  it('turns returncode FAILED into a BbbFailedError carrying the messageKey', () => {
    const xml = failedXml('checksumError', 'You did not pass the checksum security check');
    let caught: unknown;
    try {
      parseGetMeetings(xml);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(BbbFailedError);
    expect((caught as BbbFailedError).messageKey).toBe('checksumError');
    expect((caught as BbbFailedError).code).toBe('unavailable');
  });

  it('rejects a body truncated mid-element as broken XML', () => {
    const full = getMeetingsXml([{ participants: 12, moderators: 2, video: 4, voice: 10 }]);
    expect(parseError(full.slice(0, Math.floor(full.length / 2))).problem).toMatch(/not well-formed/);
  });

  it('rejects a body that stops after a complete meeting but before </response>', () => {
    const full = getMeetingsXml([{ participants: 1, moderators: 1, video: 0, voice: 1 }]);
    expect(parseError(full.slice(0, full.indexOf('</meetings>'))).problem).toMatch(/not well-formed/);
  });

  it('rejects an HTML error page from a proxy in front of BBB', () => {
    const html =
      '<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n';
    expect(parseError(html)).toBeInstanceOf(BbbParseError);
  });

  it('rejects well-formed XML that is not a BBB response', () => {
    expect(parseError('<html><body><p>Maintenance</p></body></html>').problem).toMatch(/response/);
  });

  it('rejects an empty body and plain text', () => {
    expect(parseError('')).toBeInstanceOf(BbbParseError);
    expect(parseError('Service Unavailable')).toBeInstanceOf(BbbParseError);
  });

  it('rejects an unknown returncode', () => {
    expect(parseError('<response><returncode>MAYBE</returncode></response>')).toBeInstanceOf(BbbParseError);
  });

  it('rejects a meeting without a participant count', () => {
    const xml = getMeetingsXml([{ participants: 3, moderators: 1 }]).replace(
      /<participantCount>3<\/participantCount>\n/,
      '',
    );
    expect(parseError(xml).problem).toMatch(/participantCount/);
  });

  it.each([
    ['a negative count', '-3'],
    ['NaN', 'NaN'],
    ['a fraction', '2.5'],
    ['an exponent', '1e3'],
    ['hex', '0x10'],
    ['an empty value', ''],
    ['a word', 'many'],
  ])('rejects %s as a participant count', (_what, value) => {
    const xml = getMeetingsXml([{ participants: value, moderators: 0, video: 0, voice: 0 }]);
    expect(parseError(xml).problem).toMatch(/participantCount/);
  });

  it('rejects an absurd participant count in one meeting', () => {
    const xml = getMeetingsXml([{ participants: 5_000_000, moderators: 1, video: 0, voice: 0 }]);
    expect(parseError(xml).problem).toMatch(/participantCount/);
  });

  it('rejects totals beyond what a load sample may carry', () => {
    const meetings = Array.from({ length: 11 }, () => ({ participants: 99_999, moderators: 1, video: 0, voice: 0 }));
    expect(parseError(getMeetingsXml(meetings)).problem).toMatch(/participants totals/);
  });

  it('does not expand DOCTYPE entities', () => {
    const xml =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>' +
      '<response><returncode>&lol2;</returncode></response>';
    expect(parseError(xml)).toBeInstanceOf(BbbParseError);
  });

  it('rejects prototype-polluting element names as broken XML rather than throwing something untyped', () => {
    const xml = '<response><returncode>SUCCESS</returncode><__proto__><x>1</x></__proto__><meetings/></response>';
    expect(parseError(xml)).toBeInstanceOf(BbbParseError);
  });
});

describe('cutting attendee lists before parsing', () => {
  it('replaces each attendees block and keeps everything else', () => {
    const xml =
      '<m><participantCount>2</participantCount><attendees><attendee><fullName>A</fullName></attendee></attendees><x/></m>' +
      '<m><attendees/><attendees><attendee/></attendees></m>';
    expect(dropAttendees(xml)).toBe(
      '<m><participantCount>2</participantCount><attendees/><x/></m><m><attendees/><attendees/></m>',
    );
  });

  it('leaves an unclosed block alone so that a truncated body still fails', () => {
    const truncated = '<response><meetings><meeting><attendees><attendee><fullName>A';
    expect(dropAttendees(truncated)).toBe(truncated);
  });
});

describe('slimming meetings before parsing', () => {
  it('keeps only the counts of each complete meeting, and hands its raw ID aside', () => {
    const xml =
      '<meetings><meeting><meetingName>A &amp; B</meetingName><meetingID>a&amp;b</meetingID><participantCount>3</participantCount>' +
      '<moderatorCount>1</moderatorCount><videoCount>2</videoCount><metadata><x>y</x></metadata></meeting></meetings>';
    const ids: string[] = [];
    expect(slimMeetings(xml, ids)).toBe(
      '<meetings><meeting><participantCount>3</participantCount><moderatorCount>1</moderatorCount><videoCount>2</videoCount></meeting></meetings>',
    );
    expect(ids).toEqual(['a&amp;b']);
  });

  it('gives the same counts as parsing the whole document', () => {
    const xml = getMeetingsXml([
      { participants: 4, moderators: 1, video: 2, voice: 3 },
      { participants: 9, moderators: 2, video: 0, voice: 9 },
    ]);
    expect(parseGetMeetings(xml)).toEqual({
      meetings: 2,
      participants: 13,
      moderators: 3,
      videoStreams: 2,
      voiceParticipants: 12,
      largestMeeting: 9,
      runningMeetings: [
        { meetingID: 'room-0', participants: 4 },
        { meetingID: 'room-1', participants: 9 },
      ],
    });
  });
});
