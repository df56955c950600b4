import { bbbChecksum, encodeQuery } from '@ensemble/shared';
import { SimNode } from './sim-node.js';
import { call, childOrder, get, xml } from './http.test-support.js';

const CREATE_ORDER = [
  'returncode',
  'meetingID',
  'internalMeetingID',
  'parentMeetingID',
  'attendeePW',
  'moderatorPW',
  'createTime',
  'voiceBridge',
  'dialNumber',
  'createDate',
  'hasUserJoined',
  'duration',
  'hasBeenForciblyEnded',
  'messageKey',
  'message',
];
const MEETING_ORDER = [
  'meetingName',
  'meetingID',
  'internalMeetingID',
  'createTime',
  'createDate',
  'voiceBridge',
  'dialNumber',
  'attendeePW',
  'moderatorPW',
  'running',
  'duration',
  'hasUserJoined',
  'recording',
  'hasBeenForciblyEnded',
  'startTime',
  'endTime',
  'participantCount',
  'listenerCount',
  'voiceParticipantCount',
  'videoCount',
  'maxUsers',
  'moderatorCount',
  'attendees',
  'metadata',
  'isBreakout',
];
const ATTENDEE_ORDER = [
  'userID',
  'fullName',
  'role',
  'isPresenter',
  'isListeningOnly',
  'hasJoinedVoice',
  'hasVideo',
  'clientType',
];
const JOIN_ORDER = [
  'returncode',
  'messageKey',
  'message',
  'meeting_id',
  'user_id',
  'auth_token',
  'session_token',
  'guestStatus',
  'url',
];

describe('a simulated BBB node', () => {
  const node = new SimNode({ id: 'bbb-1', secret: 'shared-secret-for-tests' });
  beforeAll(() => node.start());
  afterAll(() => node.stop());
  beforeEach(() => node.reset());

  const create = (meetingID: string, extra: Record<string, string> = {}) =>
    call(node, 'create', { name: `Room ${meetingID}`, meetingID, attendeePW: 'ap', moderatorPW: 'mp', ...extra });

  it('answers the API root without a checksum, with its versions', async () => {
    for (const path of ['bigbluebutton/api', 'bigbluebutton/api/']) {
      const r = await get(`http://127.0.0.1:${node.port}/${path}`);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('text/xml;charset=utf-8');
      const x = xml(r.body);
      expect(x).toMatchObject({ returncode: 'SUCCESS', version: '2.0', apiVersion: '2.0', bbbVersion: '3.0.0' });
      expect(childOrder(r.body, ['response']).slice(0, 4)).toEqual([
        'returncode',
        'version',
        'apiVersion',
        'bbbVersion',
      ]);
    }
  });

  it('accepts sha1, sha256, sha384 and sha512 checksums', async () => {
    for (const alg of ['sha1', 'sha256', 'sha384', 'sha512'] as const) {
      const x = xml((await call(node, 'getMeetings', {}, alg)).body);
      expect(x.returncode).toBe('SUCCESS');
    }
  });

  it('rejects a wrong, missing or wrong-length checksum with checksumError', async () => {
    const wrong = await get(`${node.apiUrl}getMeetings?checksum=${bbbChecksum('getMeetings', '', 'not-the-secret')}`);
    expect(xml(wrong.body)).toEqual({
      returncode: 'FAILED',
      messageKey: 'checksumError',
      message: 'Checksums do not match',
    });
    const missing = await get(`${node.apiUrl}getMeetings`);
    expect(xml(missing.body)).toMatchObject({ returncode: 'FAILED', messageKey: 'checksumError' });
    const short = await get(`${node.apiUrl}getMeetings?checksum=${'a'.repeat(50)}`);
    expect(xml(short.body)).toMatchObject({
      returncode: 'FAILED',
      messageKey: 'checksumError',
      message: 'Checksums do not match',
    });
    // A checksum for another call does not pass either.
    const q = encodeQuery({ meetingID: 'x1' });
    const other = await get(
      `${node.apiUrl}getMeetingInfo?${q}&checksum=${bbbChecksum('isMeetingRunning', q, node.secret)}`,
    );
    expect(xml(other.body).messageKey).toBe('checksumError');
    expect(childOrder(wrong.body, ['response'])).toEqual(['returncode', 'messageKey', 'message']);
  });

  it('answers an unsupported call with unsupportedRequest', async () => {
    const r = await call(node, 'frobnicate', { meetingID: 'm' });
    expect(xml(r.body)).toEqual({
      returncode: 'FAILED',
      messageKey: 'unsupportedRequest',
      message: 'This request is not supported.',
    });
  });

  it('creates a meeting with the create response shape and element order', async () => {
    const r = await create('room-1', { meta_Origin: 'ensemble', record: 'true', welcome: '<b>hi</b>' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/xml;charset=utf-8');
    expect(childOrder(r.body, ['response'])).toEqual(CREATE_ORDER);
    const x = xml(r.body);
    expect(x).toMatchObject({
      returncode: 'SUCCESS',
      meetingID: 'room-1',
      parentMeetingID: 'bbb-none',
      attendeePW: 'ap',
      moderatorPW: 'mp',
      hasUserJoined: 'false',
      duration: '0',
      hasBeenForciblyEnded: 'false',
      messageKey: '',
      message: '',
      dialNumber: '613-555-1234',
    });
    expect(x.internalMeetingID).toMatch(new RegExp(`^[0-9a-f]{40}-${x.createTime}$`));
    expect(x.voiceBridge).toMatch(/^\d{5}$/);
    expect(x.createDate).toMatch(/^\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/);
    const info = xml((await call(node, 'getMeetingInfo', { meetingID: 'room-1' })).body);
    expect(info.metadata).toEqual({ origin: 'ensemble' });
    expect(info.recording).toBe('true');
  });

  it('generates passwords when create gets none', async () => {
    const x = xml((await call(node, 'create', { name: 'No pw', meetingID: 'nopw' })).body);
    expect(x.attendeePW).toMatch(/^[a-z0-9]{8}$/);
    expect(x.moderatorPW).toMatch(/^[a-z0-9]{8}$/);
    expect(x.attendeePW).not.toBe(x.moderatorPW);
  });

  it('answers a second create of the same meeting with duplicateWarning, and a clash with idNotUnique', async () => {
    const first = xml((await create('dup')).body);
    const again = xml((await create('dup')).body);
    expect(again).toMatchObject({
      returncode: 'SUCCESS',
      messageKey: 'duplicateWarning',
      message: 'This conference was already in existence and may currently be in progress.',
      internalMeetingID: first.internalMeetingID,
    });
    const clash = xml((await create('dup', { attendeePW: 'other' })).body);
    expect(clash).toMatchObject({ returncode: 'FAILED', messageKey: 'idNotUnique' });
    expect(node.meetings()).toHaveLength(1);
  });

  it('requires a meetingID on create, isMeetingRunning, getMeetingInfo and end', async () => {
    for (const c of ['create', 'isMeetingRunning', 'getMeetingInfo', 'end']) {
      const x = xml((await call(node, c, { name: 'n' })).body);
      expect(x).toEqual({
        returncode: 'FAILED',
        messageKey: 'missingParamMeetingID',
        message: 'You must provide a meeting ID',
      });
    }
  });

  it('accepts a POST form body whose params are signed together with the query', async () => {
    const body = encodeQuery({ name: 'Posted', meetingID: 'posted', attendeePW: 'ap', moderatorPW: 'mp' });
    const r = await get(`${node.apiUrl}create?checksum=${bbbChecksum('create', body, node.secret)}`, {
      method: 'POST',
      body,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(xml(r.body)).toMatchObject({ returncode: 'SUCCESS', meetingID: 'posted' });
    const bad = await get(`${node.apiUrl}create?checksum=${bbbChecksum('create', body, 'nope')}`, {
      method: 'POST',
      body,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(xml(bad.body).messageKey).toBe('checksumError');
  });

  it('redirects join with 302 to the client, and counts the user only once the client URL is opened', async () => {
    await create('live');
    const j = await call(node, 'join', { fullName: 'Ada', meetingID: 'live', password: 'mp' });
    expect(j.status).toBe(302);
    const location = String(j.headers['location']);
    expect(location).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:${node.port}/html5client/join\\?sessionToken=[a-z0-9]{16}$`),
    );

    const before = xml((await call(node, 'getMeetingInfo', { meetingID: 'live' })).body);
    expect(before).toMatchObject({ running: 'false', participantCount: '0', hasUserJoined: 'false', startTime: '0' });
    expect(xml((await call(node, 'isMeetingRunning', { meetingID: 'live' })).body)).toEqual({
      returncode: 'SUCCESS',
      running: 'false',
    });

    const client = await get(location);
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toMatch(/^text\/html/);
    await get(location); // opening it twice counts once

    const infoBody = (await call(node, 'getMeetingInfo', { meetingID: 'live' })).body;
    const info = xml(infoBody);
    expect(info).toMatchObject({ running: 'true', participantCount: '1', moderatorCount: '1', hasUserJoined: 'true' });
    expect(Number(info.startTime)).toBeGreaterThan(0);
    expect(info.attendees.attendee).toHaveLength(1);
    expect(info.attendees.attendee[0]).toMatchObject({ fullName: 'Ada', role: 'MODERATOR', clientType: 'HTML5' });
    expect(info.attendees.attendee[0].userID).toMatch(/^w_[a-z0-9]{12}$/);
    expect(childOrder(infoBody, ['response'])).toEqual(['returncode', ...MEETING_ORDER]);
    expect(childOrder(infoBody, ['response', 'attendees', 'attendee'])).toEqual(ATTENDEE_ORDER);
    expect(xml((await call(node, 'isMeetingRunning', { meetingID: 'live' })).body).running).toBe('true');
  });

  it('answers join with redirect=false as XML, with a role instead of a password', async () => {
    await create('xml-join');
    const r = await call(node, 'join', {
      fullName: 'Bob',
      meetingID: 'xml-join',
      role: 'VIEWER',
      userID: 'ext-7',
      redirect: 'false',
    });
    expect(r.status).toBe(200);
    expect(childOrder(r.body, ['response'])).toEqual(JOIN_ORDER);
    const x = xml(r.body);
    const meeting = node.meetings()[0]!;
    expect(x).toMatchObject({
      returncode: 'SUCCESS',
      messageKey: 'successfullyJoined',
      message: 'You have joined successfully.',
      meeting_id: meeting.internalMeetingID,
      guestStatus: 'ALLOW',
    });
    expect(x.url).toBe(`http://127.0.0.1:${node.port}/html5client/join?sessionToken=${x.session_token}`);
    await get(x.url);
    const att = node.meetings()[0]!.attendees;
    expect(att).toEqual([expect.objectContaining({ userID: 'ext-7', fullName: 'Bob', role: 'VIEWER' })]);
  });

  it('sends join validation errors to the logout URL with an errors parameter, as BBB does', async () => {
    const unknown = await call(node, 'join', { fullName: 'Eve', meetingID: 'nowhere', password: 'x' });
    expect(unknown.status).toBe(302);
    const loc = new URL(String(unknown.headers['location']));
    expect(JSON.parse(loc.searchParams.get('errors')!)).toEqual([
      { key: 'invalidMeetingIdentifier', message: 'A meeting with that ID does not exist' },
    ]);
    await create('jj');
    const noName = await call(node, 'join', { meetingID: 'jj', password: 'ap' });
    expect(JSON.parse(new URL(String(noName.headers['location'])).searchParams.get('errors')!)[0].key).toBe(
      'missingParamFullName',
    );
    const wrongPw = xml(
      (await call(node, 'join', { fullName: 'Eve', meetingID: 'jj', password: 'bad', redirect: 'false' })).body,
    );
    expect(wrongPw).toMatchObject({ returncode: 'FAILED', message: 'You must enter a valid password' });
  });

  it('reports 404 for a client URL with an unknown session token', async () => {
    expect((await get(`http://127.0.0.1:${node.port}/html5client/join?sessionToken=nope`)).status).toBe(404);
  });

  it('answers getMeetingInfo for an unknown meeting with notFound, and isMeetingRunning with false', async () => {
    expect(xml((await call(node, 'getMeetingInfo', { meetingID: 'ghost' })).body)).toEqual({
      returncode: 'FAILED',
      messageKey: 'notFound',
      message: 'A meeting with that ID does not exist',
    });
    expect(xml((await call(node, 'isMeetingRunning', { meetingID: 'ghost' })).body)).toEqual({
      returncode: 'SUCCESS',
      running: 'false',
    });
  });

  it('lists no meetings as <meetings/> with noMeetings, and meetings in the getMeetingInfo order', async () => {
    const empty = await call(node, 'getMeetings');
    expect(empty.body).toContain('<meetings/>');
    expect(childOrder(empty.body, ['response'])).toEqual(['returncode', 'meetings', 'messageKey', 'message']);
    expect(xml(empty.body)).toMatchObject({
      returncode: 'SUCCESS',
      messageKey: 'noMeetings',
      message: 'no meetings were found on this server',
    });

    await create('aa');
    await create('b & <c>');
    const full = await call(node, 'getMeetings');
    expect(childOrder(full.body, ['response'])).toEqual(['returncode', 'meetings']);
    expect(childOrder(full.body, ['response', 'meetings', 'meeting'])).toEqual(MEETING_ORDER);
    const x = xml(full.body);
    expect(x.meetings.meeting.map((m: { meetingID: string }) => m.meetingID)).toEqual(['aa', 'b & <c>']);
    expect(full.body).toContain('<meetingID>b &amp; &lt;c&gt;</meetingID>');
  });

  it('ends a meeting with sentEndMeetingRequest and forgets it', async () => {
    await create('bye');
    expect(xml((await call(node, 'end', { meetingID: 'bye', password: 'wrong' })).body)).toMatchObject({
      returncode: 'FAILED',
      messageKey: 'invalidPassword',
    });
    const r = await call(node, 'end', { meetingID: 'bye' });
    expect(childOrder(r.body, ['response'])).toEqual(['returncode', 'messageKey', 'message']);
    expect(xml(r.body)).toMatchObject({ returncode: 'SUCCESS', messageKey: 'sentEndMeetingRequest' });
    expect(xml(r.body).message).toMatch(/^A request to end the meeting was sent\.\s+Please wait a few seconds/);
    expect(xml((await call(node, 'getMeetingInfo', { meetingID: 'bye' })).body).messageKey).toBe('notFound');
    expect(xml((await call(node, 'end', { meetingID: 'bye' })).body).messageKey).toBe('notFound');
    expect(node.meetings()).toEqual([]);
  });

  it('rejects meeting IDs BBB rejects (too short, containing a comma)', async () => {
    expect(xml((await create('a')).body)).toMatchObject({ returncode: 'FAILED', messageKey: 'validationError' });
    expect(xml((await create('a,b')).body)).toMatchObject({ returncode: 'FAILED', messageKey: 'validationError' });
  });
});
