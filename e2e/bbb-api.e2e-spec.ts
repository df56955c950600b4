import { contracts } from '@ensemble/contracts';
import { bbbChecksum } from '@ensemble/shared';
import { waitFor } from '@ensemble/testing';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { API_SECRET, BbbApiHarness, OLD_SECRET } from './bbb-api.test-support.js';

/** The BBB API of the gateway, call by call, against a bbb-sim fleet through the real scheduler. */
describe('the BBB API on the gateway', () => {
  const h = new BbbApiHarness();
  beforeAll(() => h.start({ nodes: 3, tags: { 'bbb-3': ['gpu'] } }), 30_000);
  afterAll(() => h.stop());

  const create = (meetingID: string, extra: Array<[string, string]> = []) =>
    h.call('create', [['name', `Room ${meetingID}`], ['meetingID', meetingID], ...extra]);

  describe('the API root and unknown calls', () => {
    it.each(['/bigbluebutton/api', '/bigbluebutton/api/'])(
      'answers %s with SUCCESS and the API version',
      async (path) => {
        const a = await h.get(`${h.gateway.url}${path}`);
        expect(a.status).toBe(200);
        expect(a.contentType).toBe('text/xml;charset=utf-8');
        expect(a.body).toBe(
          '<response>\n<returncode>SUCCESS</returncode>\n<version>2.0</version>\n<apiVersion>2.0</apiVersion>\n</response>\n',
        );
      },
    );

    it('answers an unknown call with unsupportedRequest', async () => {
      const a = await h.call('hooksCreate');
      expect(a.xml).toEqual({
        returncode: 'FAILED',
        messageKey: 'unsupportedRequest',
        message: 'This request is not supported.',
      });
    });
  });

  describe('checksums', () => {
    it.each(['sha1', 'sha256', 'sha384', 'sha512'] as const)('accepts a %s checksum', async (algorithm) => {
      const a = await h.call('getMeetings', [], { algorithm });
      expect(a.xml.returncode).toBe('SUCCESS');
    });

    it('accepts every secret of BBB_API_SECRETS (rotation)', async () => {
      expect((await h.get(h.url('getMeetings', [], { secret: OLD_SECRET }))).xml.returncode).toBe('SUCCESS');
    });

    it.each([
      ['a wrong secret', (u: string) => u, 'wrong-secret-0123456789', 'Checksums do not match'],
      [
        'no checksum',
        (u: string) => u.replace(/&?checksum=[0-9a-f]+/, ''),
        API_SECRET,
        'You must provide the checksum',
      ],
      ['a truncated checksum', (u: string) => u.slice(0, -3), API_SECRET, 'Checksums do not match'],
      ['two checksums', (u: string) => `${u}&checksum=${'0'.repeat(64)}`, API_SECRET, 'Checksums do not match'],
    ])('answers checksumError for %s', async (_what, mangle, secret, message) => {
      const a = await h.get(mangle(h.url('isMeetingRunning', [['meetingID', 'x1']], { secret })));
      expect(a.xml).toEqual({ returncode: 'FAILED', messageKey: 'checksumError', message });
    });

    it('hashes the raw query as sent: its encoding and parameter order count', async () => {
      const raw = `meetingID=${encodeURIComponent('raw order ü')}&name=Z%20a&attendeePW=ap`;
      const sum = bbbChecksum('create', raw, API_SECRET, 'sha1');
      const ok = await h.get(`${h.gateway.url}/bigbluebutton/api/create?${raw}&checksum=${sum}`);
      expect(ok.xml).toMatchObject({ returncode: 'SUCCESS', meetingID: 'raw order ü' });
      const reordered = `name=Z%20a&meetingID=${encodeURIComponent('raw order ü')}&attendeePW=ap`;
      const bad = await h.get(`${h.gateway.url}/bigbluebutton/api/create?${reordered}&checksum=${sum}`);
      expect(bad.xml.messageKey).toBe('checksumError');
    });

    it('checks a form-encoded POST body as BBB does (no query: sorted parameters)', async () => {
      const params = new URLSearchParams([
        ['name', 'Posted'],
        ['meetingID', 'posted-1'],
      ]);
      const sorted = 'meetingID=posted-1&name=Posted';
      const body = `${params.toString()}&checksum=${bbbChecksum('create', sorted, API_SECRET)}`;
      const a = await h.get(`${h.gateway.url}/bigbluebutton/api/create`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      expect(a.xml).toMatchObject({ returncode: 'SUCCESS', meetingID: 'posted-1' });
    });
  });

  describe('create', () => {
    it('places the meeting on a node and answers that node create answer, internal IDs intact', async () => {
      const a = await create('math-101', [
        ['attendeePW', 'ap'],
        ['moderatorPW', 'mp'],
      ]);
      expect(a.status).toBe(200);
      expect(Object.keys(a.xml)).toEqual([
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
      ]);
      const node = h.sim.node(h.nodeOf('math-101')!)!;
      expect(a.xml.internalMeetingID).toBe(node.meetings().find((m) => m.meetingID === 'math-101')!.internalMeetingID);
    });

    it('keeps unicode meeting names and IDs intact', async () => {
      const id = 'salle-été-会议-🎓';
      const a = await h.call('create', [
        ['name', 'Cours de maths – 数学 🎓'],
        ['meetingID', id],
      ]);
      expect(a.xml).toMatchObject({ returncode: 'SUCCESS', meetingID: id });
      const info = await h.call('getMeetingInfo', [['meetingID', id]]);
      expect(info.xml).toMatchObject({ meetingID: id, meetingName: 'Cours de maths – 数学 🎓' });
    });

    it('answers duplicateWarning for the same meeting again, on the same node', async () => {
      await create('dup-1', [
        ['attendeePW', 'ap'],
        ['moderatorPW', 'mp'],
      ]);
      const again = await create('dup-1', [
        ['attendeePW', 'ap'],
        ['moderatorPW', 'mp'],
      ]);
      expect(again.xml).toMatchObject({ returncode: 'SUCCESS', messageKey: 'duplicateWarning' });
      expect(h.sim.nodes.filter((n) => n.meetings().some((m) => m.meetingID === 'dup-1'))).toHaveLength(1);
    });

    it('answers idNotUnique for the same meeting ID with other passwords', async () => {
      await create('dup-2', [
        ['attendeePW', 'ap'],
        ['moderatorPW', 'mp'],
      ]);
      const other = await create('dup-2', [
        ['attendeePW', 'x'],
        ['moderatorPW', 'y'],
      ]);
      expect(other.xml).toMatchObject({ returncode: 'FAILED', messageKey: 'idNotUnique' });
    });

    it.each([
      ['no meetingID', [['name', 'n']], 'missingParamMeetingID'],
      [
        'a one-character meetingID',
        [
          ['name', 'n'],
          ['meetingID', 'a'],
        ],
        'validationError',
      ],
      [
        'a comma in the meetingID',
        [
          ['name', 'n'],
          ['meetingID', 'a,b'],
        ],
        'validationError',
      ],
      ['no name', [['meetingID', 'no-name']], 'validationError'],
    ] as Array<[string, Array<[string, string]>, string]>)('answers %s with %s', async (_what, params, key) => {
      const a = await h.call('create', params);
      expect(a.xml).toMatchObject({ returncode: 'FAILED', messageKey: key });
    });

    it('forwards a POST with pre-upload slides XML to the node', async () => {
      const slides =
        '<modules><module name="presentation"><document url="https://example.org/a.pdf"/></module></modules>';
      const a = await h.get(
        h.url('create', [
          ['name', 'Slides'],
          ['meetingID', 'slides-1'],
        ]),
        {
          method: 'POST',
          headers: { 'content-type': 'application/xml' },
          body: slides,
        },
      );
      expect(a.xml).toMatchObject({ returncode: 'SUCCESS', meetingID: 'slides-1' });
    });

    it('places a meeting with a required server tag only on a node with that tag', async () => {
      const a = await create('tagged-1', [['meta_server-tag', 'GPU!']]);
      expect(a.xml.returncode).toBe('SUCCESS');
      expect(h.nodeOf('tagged-1')).toBe('bbb-3');
    });

    it('answers noAvailableServers for a required tag no node has, and falls back for an optional one', async () => {
      const a = await create('tagged-2', [['meta_server-tag', 'nope!']]);
      expect(a.xml).toMatchObject({ returncode: 'FAILED', messageKey: 'noAvailableServers' });
      const b = await create('tagged-3', [['meta_server-tag', 'nope']]);
      expect(b.xml.returncode).toBe('SUCCESS');
    });

    it('gives the scheduler the size hint as the expected load of a new meeting', async () => {
      const before = await h.bus.request(contracts.listNodes, {});
      await create('big-1', [['meta_ensemble-size-hint', '300']]);
      const after = await h.bus.request(contracts.listNodes, {});
      const nodeId = h.nodeOf('big-1')!;
      const pending = (l: typeof before) => l.nodes.find((n) => n.id === nodeId)!.pendingLoad;
      expect(pending(after) - pending(before)).toBeGreaterThanOrEqual(300);
    });
  });

  describe('join', () => {
    beforeAll(() =>
      create('join-1', [
        ['attendeePW', 'ap'],
        ['moderatorPW', 'mp'],
      ]),
    );

    it('redirects to the join on the meeting node', async () => {
      const a = await h.call('join', [
        ['fullName', 'Ada Lovelace'],
        ['meetingID', 'join-1'],
        ['password', 'mp'],
      ]);
      expect(a.status).toBe(302);
      const node = h.sim.node(h.nodeOf('join-1')!)!;
      expect(a.location!.startsWith(node.apiUrl + 'join?')).toBe(true);
      const client = await fetch(a.location!, { redirect: 'follow' });
      expect(client.status).toBe(200);
      expect(node.meetings().find((m) => m.meetingID === 'join-1')!.attendees[0]!.fullName).toBe('Ada Lovelace');
    });

    it('keeps the create call of a joined meeting alive, writing its expiry once per interval, not per join', async () => {
      await create('kept-1');
      const pg = new Client({ connectionString: h.postgres.url });
      await pg.connect();
      const redis = new Redis(h.redis.url);
      try {
        const shorten = () =>
          pg.query(
            "UPDATE bbb_create_params SET expires_at = now() + interval '100 seconds' WHERE meeting_id = 'kept-1'",
          );
        const secondsLeft = async () =>
          Number(
            (
              await pg.query<{ left: string }>(
                "SELECT extract(epoch from expires_at - now()) AS left FROM bbb_create_params WHERE meeting_id = 'kept-1'",
              )
            ).rows[0]!.left,
          );
        const join = () =>
          h.call('join', [
            ['fullName', 'Kim'],
            ['meetingID', 'kept-1'],
            ['role', 'viewer'],
          ]);
        await shorten();
        expect((await join()).status).toBe(302);
        // BBB_API_MEETING_TTL_S (7 days) again; the join waits for that write 200 ms at most.
        await waitFor('the expiry pushed on', async () => (await secondsLeft()) > 86_400);
        await shorten();
        expect((await join()).status).toBe(302);
        expect(await secondsLeft()).toBeLessThanOrEqual(100); // the next write is due in an hour
        // Redis keeps nothing of it any more (decision 092).
        expect(await redis.keys('*create*')).toEqual([]);
      } finally {
        await pg.end();
        redis.disconnect();
      }
    });

    it('answers the join XML with redirect=false', async () => {
      const a = await h.call('join', [
        ['fullName', 'Grace'],
        ['meetingID', 'join-1'],
        ['role', 'viewer'],
        ['redirect', 'false'],
      ]);
      expect(a.xml).toMatchObject({ returncode: 'SUCCESS', messageKey: 'successfullyJoined' });
      expect(String(a.xml.url)).toContain('/html5client/join?sessionToken=');
    });

    it.each([
      [
        'an unknown meeting',
        [
          ['fullName', 'A'],
          ['meetingID', 'nowhere'],
        ],
        'invalidMeetingIdentifier',
      ],
      ['no meetingID', [['fullName', 'A']], 'missingParamMeetingID'],
      ['no fullName', [['meetingID', 'join-1']], 'missingParamFullName'],
    ] as Array<[string, Array<[string, string]>, string]>)(
      'redirects %s to the logout URL with %s',
      async (_w, params, key) => {
        const a = await h.call('join', [...params, ['logoutURL', 'https://lms.example/back']]);
        expect(a.status).toBe(302);
        const url = new URL(a.location!);
        expect(url.origin + url.pathname).toBe('https://lms.example/back');
        expect(JSON.parse(url.searchParams.get('errors')!)[0].key).toBe(key);
      },
    );

    it('redirects a join with a bad checksum with checksumError', async () => {
      const a = await h.get(
        h.url(
          'join',
          [
            ['fullName', 'A'],
            ['meetingID', 'join-1'],
          ],
          { secret: 'not-the-secret-123' },
        ),
      );
      expect(a.status).toBe(302);
      expect(JSON.parse(new URL(a.location!).searchParams.get('errors')!)[0].key).toBe('checksumError');
    });
  });

  describe('isMeetingRunning, getMeetingInfo, getMeetings, end', () => {
    it('says an unknown meeting is not running (SUCCESS)', async () => {
      const a = await h.call('isMeetingRunning', [['meetingID', 'never-created']]);
      expect(a.body).toBe('<response>\n<returncode>SUCCESS</returncode>\n<running>false</running>\n</response>\n');
    });

    it('answers notFound for getMeetingInfo and end of an unknown meeting', async () => {
      for (const call of ['getMeetingInfo', 'end']) {
        const a = await h.call(call, [['meetingID', 'never-created']]);
        expect(a.xml).toEqual({
          returncode: 'FAILED',
          messageKey: 'notFound',
          message: 'A meeting with that ID does not exist',
        });
      }
    });

    it.each(['isMeetingRunning', 'getMeetingInfo', 'end', 'insertDocument'])(
      'answers %s without meetingID with missingParamMeetingID',
      async (call) => {
        const a = await h.call(call);
        expect(a.xml).toEqual({
          returncode: 'FAILED',
          messageKey: 'missingParamMeetingID',
          message: 'You must provide a meeting ID',
        });
      },
    );

    it('reports a meeting running once someone entered, with the node getMeetingInfo', async () => {
      await create('live-1', [
        ['moderatorPW', 'mp'],
        ['attendeePW', 'ap'],
      ]);
      expect((await h.call('isMeetingRunning', [['meetingID', 'live-1']])).xml.running).toBe('false');
      const join = await h.call('join', [
        ['fullName', 'Bo'],
        ['meetingID', 'live-1'],
        ['password', 'ap'],
      ]);
      await fetch((await fetch(join.location!, { redirect: 'manual' })).headers.get('location')!);
      expect((await h.call('isMeetingRunning', [['meetingID', 'live-1']])).xml.running).toBe('true');
      const info = await h.call('getMeetingInfo', [['meetingID', 'live-1']]);
      expect(info.xml).toMatchObject({
        returncode: 'SUCCESS',
        meetingID: 'live-1',
        participantCount: '1',
        running: 'true',
      });
    });

    it('lists the meetings of every node in getMeetings', async () => {
      for (const id of ['all-1', 'all-2', 'all-3', 'all-4']) await create(id);
      const a = await h.call('getMeetings');
      const meetings = (a.xml.meetings as { meeting: Array<{ meetingID: string }> }).meeting;
      const ids = meetings.map((m) => m.meetingID);
      expect(ids).toEqual(expect.arrayContaining(['all-1', 'all-2', 'all-3', 'all-4', 'math-101']));
      const holders = new Set(['all-1', 'all-2', 'all-3', 'all-4'].map((id) => h.nodeOf(id)));
      expect(holders.size).toBeGreaterThan(1);
      expect(ids).toHaveLength(h.sim.nodes.reduce((s, n) => s + n.meetings().length, 0));
    });

    it('ends a meeting on its node and releases its room', async () => {
      await create('end-1', [['moderatorPW', 'mp']]);
      const wrong = await h.call('end', [
        ['meetingID', 'end-1'],
        ['password', 'nope'],
      ]);
      expect(wrong.xml.messageKey).toBe('invalidPassword');
      const a = await h.call('end', [
        ['meetingID', 'end-1'],
        ['password', 'mp'],
      ]);
      expect(a.xml).toMatchObject({ returncode: 'SUCCESS', messageKey: 'sentEndMeetingRequest' });
      expect(h.nodeOf('end-1')).toBeUndefined();
      await expect(h.bus.request(contracts.locate, { roomKey: 'bbb:end-1' })).rejects.toMatchObject({
        code: 'not-found',
      });
      expect((await h.call('getMeetingInfo', [['meetingID', 'end-1']])).xml.messageKey).toBe('notFound');
    });
  });

  describe('insertDocument and recordings', () => {
    it('answers insertDocument of an unknown meeting with notFound', async () => {
      const a = await h.call('insertDocument', [['meetingID', 'ghost']]);
      expect(a.xml.messageKey).toBe('notFound');
    });

    it('answers getRecordings with an empty SUCCESS and noRecordings when no node has any', async () => {
      const a = await h.call('getRecordings', [['meetingID', 'math-101']]);
      expect(a.xml).toMatchObject({ returncode: 'SUCCESS', messageKey: 'noRecordings' });
    });

    it.each([
      ['publishRecordings', [['publish', 'true']], 'missingParamRecordID'],
      ['publishRecordings', [['recordID', 'r1']], 'missingParamPublish'],
      ['deleteRecordings', [], 'missingParamRecordID'],
      ['updateRecordings', [], 'missingParamRecordID'],
      ['deleteRecordings', [['recordID', 'unknown-rec']], 'notFound'],
    ] as Array<[string, Array<[string, string]>, string]>)('answers %s %j with %s', async (call, params, key) => {
      expect((await h.call(call, params)).xml).toMatchObject({ returncode: 'FAILED', messageKey: key });
    });
  });

  it('never logs the API secret or a node secret', () => {
    const all = h.logs.join('\n');
    expect(all).not.toContain(API_SECRET);
    for (const n of h.sim.nodes) expect(all).not.toContain(n.secret);
  });
});
