import { BBB_RECORDING_ELEMENTS } from '@ensemble/testing';
import { listed, RecordingsStack } from './recordings.test-support.js';

const SLOW = 120_000;

/** 10,000 indexed recordings (as transfers leave them), several per start time so ties need the record id. */
const SEED_SQL = `
INSERT INTO recordings (record_id, meeting_id, internal_meeting_id, name, state, starts_at, ends_at,
  participants, metadata, node_id)
SELECT md5(i::text) || substr(md5(i::text), 1, 8) || '-' || (1577836800000 + i),
  'seed-' || (i % 50), md5(i::text) || substr(md5(i::text), 1, 8) || '-' || (1577836800000 + i),
  'Seed ' || i, 'published', timestamp '2020-01-01' + (i / 7) * interval '1 minute',
  timestamp '2020-01-01' + (i / 7) * interval '1 minute' + interval '1 hour', 3,
  jsonb_build_object('seed', 'yes', 'parity', CASE WHEN i % 2 = 0 THEN 'even' ELSE 'odd' END), 'bbb-gone'
FROM generate_series(1, 10000) AS i;
INSERT INTO recording_formats (record_id, format, digest, prefix, size_bytes, file_count, playback_path,
  processing_time_ms, length_ms)
SELECT record_id, 'presentation', repeat('0', 64), 'recordings/' || record_id || '/presentation/' || repeat('0', 64) || '/',
  1000, 1, '/playback/presentation/2.3/' || record_id, 500, 3600000
FROM recordings WHERE node_id = 'bbb-gone';`;

/**
 * The BBB API's recordings calls answered from the index (decision 104): BBB's XML and
 * paging, playback from Ensemble's own host, changes acting on the index, and a recording
 * that outlives its node.
 */
describe('recordings through the BBB API, from the index and storage', () => {
  const rs = new RecordingsStack();
  const base = () => rs.stack.gateway.url;
  let id: string;

  beforeAll(async () => {
    await rs.start({ videoBytes: 3 << 20 });
    id = await rs.recordLecture({ meta_course: 'm1', 'meta_bbb-origin': 'greenlight' });
  }, SLOW);
  afterAll(() => rs.stop());

  const stored = async (path: string) => {
    const [f] = await rs.sql<{ prefix: string }>('SELECT prefix FROM recording_formats WHERE record_id = $1', [id]);
    return rs.object(`${f!.prefix}${path}`);
  };

  it('lists a transferred recording in BBB elements, with a playback URL on Ensemble that serves its files', async () => {
    const { xml, body } = await rs.bbb('getRecordings', [['meetingID', 'lecture-1']]);
    expect(xml.returncode).toBe('SUCCESS');
    expect(body).not.toContain('totalElements'); // no limit: BBB lists every match, unpaged
    const [r] = listed(xml);
    expect(r).toMatchObject({
      recordID: id,
      meetingID: 'lecture-1',
      internalMeetingID: id,
      name: 'Lecture 1',
      isBreakout: 'false',
      published: 'true',
      state: 'published',
      metadata: { course: 'm1', 'bbb-origin': 'greenlight', meetingId: 'lecture-1', meetingName: 'Lecture 1' },
      playback: { format: { type: 'presentation', url: `${base()}/playback/presentation/2.3/${id}` } },
    });
    // BBB's element order.
    const order = [...body.matchAll(/^<(\w+)>/gm)].map((m) => m[1]).filter((n) => n !== 'response');
    expect(order.slice(order.indexOf('recording') + 1, order.indexOf('recording') + 12)).toEqual(
      BBB_RECORDING_ELEMENTS.slice(0, 11),
    );
    const meta = await fetch(`${base()}/presentation/${id}/metadata.xml`);
    expect(meta.status).toBe(200);
    expect(meta.headers.get('content-type')).toContain('xml');
    expect(Buffer.from(await meta.arrayBuffer())).toEqual(await stored('metadata.xml'));
    const video = await fetch(`${base()}/presentation/${id}/video/webcams.webm`);
    expect(video.headers.get('content-type')).toBe('video/webm');
    expect(Buffer.from(await video.arrayBuffer())).toEqual(await stored('video/webcams.webm'));
  });

  it('serves byte ranges and HEAD, as a video player asks', async () => {
    const whole = await stored('video/webcams.webm');
    const part = await fetch(`${base()}/presentation/${id}/video/webcams.webm`, {
      headers: { range: 'bytes=100-199' },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${whole.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(whole.subarray(100, 200));
    const head = await fetch(`${base()}/presentation/${id}/video/webcams.webm`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(whole.length));
    expect(head.headers.get('accept-ranges')).toBe('bytes');
  });

  it('answers 404 for paths that leave the recording, unknown files and unknown recordings', async () => {
    // (fetch normalizes `..` and `%2e%2e` segments itself: an encoded slash is what reaches the server.)
    for (const path of [
      `/presentation/${id}/video%2f..%2fmetadata.xml`,
      `/presentation/${id}/nothing.here`,
      `/presentation/${'f'.repeat(40)}-1/metadata.xml`,
      `/video/${id}/metadata.xml`,
    ]) {
      expect((await fetch(`${base()}${path}`)).status).toBe(404);
    }
  });

  it('answers noRecordings for an unknown recordID, not an error', async () => {
    const { xml } = await rs.bbb('getRecordings', [['recordID', `${'a'.repeat(40)}-1`]]);
    expect(xml).toMatchObject({ returncode: 'SUCCESS', messageKey: 'noRecordings' });
  });

  it('lists by recordID prefix as BBB does, recordID winning over meetingID', async () => {
    const ids = async (params: Array<[string, string]>) =>
      listed((await rs.bbb('getRecordings', params)).xml).map((r) => r.recordID);
    // The 40 hex digits of the meeting's internal id: every recording of that meeting.
    expect(await ids([['recordID', id.slice(0, 40)]])).toEqual([id]);
    expect(await ids([['recordID', `nope,${id.slice(0, 12)}`]])).toEqual([id]);
    expect(
      await ids([
        ['recordID', id.slice(0, 12)],
        ['meetingID', 'another-meeting'],
      ]),
    ).toEqual([id]);
    expect(await ids([['recordID', `${id}0`]])).toEqual([]);
  });

  it(
    'pages 10,000 indexed recordings in a stable order without repeats or gaps, with totalElements',
    async () => {
      await rs.sql(SEED_SQL);
      const seen: string[] = [];
      for (let offset = 0; offset < 10_000; offset += 100) {
        const { xml } = await rs.bbb('getRecordings', [
          ['meta_seed', 'yes'],
          ['offset', String(offset)],
          ['limit', '100'],
        ]);
        expect(xml.totalElements).toBe('10000');
        seen.push(...listed(xml).map((r) => String(r.recordID)));
      }
      expect(seen).toHaveLength(10_000);
      expect(new Set(seen).size).toBe(10_000);
      const expected = await rs.sql<{ record_id: string }>(
        "SELECT record_id FROM recordings WHERE node_id = 'bbb-gone' ORDER BY starts_at, record_id",
      );
      expect(seen).toEqual(expected.map((r) => r.record_id));
      // Past the end: no recordings, the total still told.
      const past = await rs.bbb('getRecordings', [
        ['meta_seed', 'yes'],
        ['offset', '20000'],
        ['limit', '10'],
      ]);
      expect(past.xml).toMatchObject({ returncode: 'SUCCESS', messageKey: 'noRecordings', totalElements: '10000' });
    },
    SLOW,
  );

  it('clamps limit and offset as BBB does and filters by meta and state', async () => {
    const big = await rs.bbb('getRecordings', [
      ['meta_seed', 'yes'],
      ['limit', '500'],
      ['offset', '-3'],
    ]);
    expect(listed(big.xml)).toHaveLength(100);
    const even = await rs.bbb('getRecordings', [
      ['meta_parity', 'even'],
      ['limit', '1'],
    ]);
    expect(even.xml.totalElements).toBe('5000');
    await rs.sql("UPDATE recordings SET state = 'unpublished' WHERE meeting_id = 'seed-7'");
    await rs.sql("UPDATE recordings SET state = 'deleted' WHERE meeting_id = 'seed-8'");
    const total = async (params: Array<[string, string]>) =>
      Number((await rs.bbb('getRecordings', [['meta_seed', 'yes'], ['limit', '1'], ...params])).xml.totalElements);
    expect(await total([])).toBe(9800); // BBB's default: published and unpublished
    expect(await total([['state', 'unpublished']])).toBe(200);
    expect(await total([['state', 'deleted']])).toBe(200);
    expect(await total([['state', 'published,deleted']])).toBe(9800);
    expect(await total([['state', 'any']])).toBe(10_000);
    expect(await total([['meetingID', 'seed-7,seed-9']])).toBe(400);
  });

  it('unpublishes, republishes, updates and deletes through the index; unpublished and deleted are not playable', async () => {
    const url = `${base()}/presentation/${id}/metadata.xml`;
    const state = async () =>
      (await rs.sql<{ state: string }>('SELECT state FROM recordings WHERE record_id = $1', [id]))[0]!.state;
    expect(
      (
        await rs.bbb('publishRecordings', [
          ['recordID', id],
          ['publish', 'false'],
        ])
      ).xml,
    ).toMatchObject({
      returncode: 'SUCCESS',
      published: 'false',
    });
    expect(await state()).toBe('unpublished');
    expect((await fetch(url)).status).toBe(404);
    // The node was told too: it does not list it as published any more.
    expect(
      rs
        .node()
        .recordingList()
        .find((r) => r.recordID === id)?.state,
    ).toBe('unpublished');
    await rs.bbb('publishRecordings', [
      ['recordID', id],
      ['publish', 'true'],
    ]);
    expect(await state()).toBe('published');
    expect((await fetch(url)).status).toBe(200);
    expect(
      (
        await rs.bbb('updateRecordings', [
          ['recordID', id],
          ['meta_course', 'm2'],
          ['meta_bbb-origin', ''],
        ])
      ).xml,
    ).toMatchObject({
      returncode: 'SUCCESS',
      updated: 'true',
    });
    const [row] = await rs.sql<{ metadata: Record<string, string> }>(
      'SELECT metadata FROM recordings WHERE record_id = $1',
      [id],
    );
    expect(row!.metadata).toEqual({ course: 'm2' });
    expect(
      (
        await rs.bbb('publishRecordings', [
          ['recordID', `${'b'.repeat(40)}-1`],
          ['publish', 'true'],
        ])
      ).xml,
    ).toMatchObject({ returncode: 'FAILED', messageKey: 'notFound' });
  });

  it('keeps listing and playing a recording once its node is removed', async () => {
    expect((await rs.stack.ops('DELETE', '/api/ops/nodes/bbb-1')).status).toBe(200);
    const { xml } = await rs.bbb('getRecordings', [['recordID', id]]);
    expect(listed(xml).map((r) => r.recordID)).toEqual([id]);
    const meta = await fetch(`${base()}/presentation/${id}/metadata.xml`);
    expect(Buffer.from(await meta.arrayBuffer())).toEqual(await stored('metadata.xml'));
    // Deleted: hidden by default, listed under state=deleted, not playable; its files are kept.
    expect((await rs.bbb('deleteRecordings', [['recordID', id]])).xml).toMatchObject({
      returncode: 'SUCCESS',
      deleted: 'true',
    });
    expect((await rs.bbb('getRecordings', [['recordID', id]])).xml.messageKey).toBe('noRecordings');
    expect(
      listed(
        (
          await rs.bbb('getRecordings', [
            ['recordID', id],
            ['state', 'deleted'],
          ])
        ).xml,
      )[0],
    ).toMatchObject({
      state: 'deleted',
      published: 'false',
    });
    expect((await fetch(`${base()}/presentation/${id}/metadata.xml`)).status).toBe(404);
    expect(await stored('metadata.xml')).toBeTruthy();
  });
});
