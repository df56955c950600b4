import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BBB_RECORDING_ELEMENTS, waitFor } from '@ensemble/testing';
import { get, call, childOrder, xml } from './http.test-support.js';
import { SimNode } from './sim-node.js';

/** A recorded lecture: created with record=true (and more), joined by a moderator. */
async function openLecture(node: SimNode, meetingID: string, extra: Record<string, string> = {}) {
  const created = xml(
    (await call(node, 'create', { name: `Lecture ${meetingID}`, meetingID, record: 'true', ...extra })).body,
  );
  const join = await call(node, 'join', { fullName: 'Ada', meetingID, role: 'MODERATOR' });
  expect((await get(String(join.headers.location))).status).toBe(200);
  return String(created.internalMeetingID);
}
const end = async (node: SimNode, meetingID: string) =>
  expect(xml((await call(node, 'end', { meetingID })).body).returncode).toBe('SUCCESS');
const listed = async (node: SimNode, params: Record<string, string>) => {
  const r = xml((await call(node, 'getRecordings', params)).body);
  const items = r.recordings?.recording ?? [];
  return (Array.isArray(items) ? items : [items]) as Array<Record<string, unknown>>;
};

describe('bbb-sim models BBB recording: marks, processing, publishing to disk', () => {
  let node: SimNode;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bbb-sim-rec-'));
    node = await new SimNode({
      id: 'bbb-rec',
      secret: 'recsecret',
      recordings: { dataDir, processingMs: 1500 },
    }).start();
  });
  afterAll(async () => {
    await node?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => node.reset());

  it('leaves no recording of a record=true meeting that never had recording marks', async () => {
    await openLecture(node, 'no-marks');
    await end(node, 'no-marks');
    expect(await listed(node, { state: 'any' })).toEqual([]);
    expect(node.recordingList()).toEqual([]);
  });

  it('refuses recording marks for a meeting created without record=true', async () => {
    await call(node, 'create', { name: 'Plain', meetingID: 'plain' });
    expect(node.setRecording('plain', true)).toBe(false);
  });

  it('processes a marked recording, then publishes it in BBB layout with metadata.xml, listed in BBB XML', async () => {
    const id = await openLecture(node, 'marked', { meta_course: 'CS101', 'meta_bbb-origin': 'ensemble' });
    expect(node.setRecording('marked', true)).toBe(true);
    await end(node, 'marked');
    expect(await listed(node, {})).toEqual([]); // BBB lists published and unpublished by default
    expect(await listed(node, { state: 'processing' })).toMatchObject([{ recordID: id, state: 'processing' }]);

    await waitFor('the recording published', () => node.recordingList()[0]?.state === 'published');
    const dir = node.recordingDir(id)!;
    expect(dir).toBe(join(dataDir, 'var/bigbluebutton/published/presentation', id));
    const metadata = readFileSync(join(dir, 'metadata.xml'), 'utf8');
    expect(metadata).toContain(`<id>${id}</id>`);
    expect(metadata).toContain(`<meeting id="${id}" externalId="marked" name="Lecture marked" breakout="false"/>`);
    expect(metadata).toMatch(/<meta>\n<isBreakout>false<\/isBreakout>\n<meetingId>marked<\/meetingId>/);
    expect(metadata).toContain('<course>CS101</course>');
    expect(metadata).toContain(`<link>${node.origin}/playback/presentation/2.3/${id}</link>`);
    expect(readFileSync(join(dir, 'video/webcams.webm')).length).toBe(64 * 1024);

    const body = (await call(node, 'getRecordings', { meetingID: 'marked' })).body;
    expect(childOrder(body, ['response', 'recordings', 'recording'])).toEqual([...BBB_RECORDING_ELEMENTS]);
    const [r] = await listed(node, { meetingID: 'marked' });
    // As BBB: recordID wins over meetingID, and lists the ids it starts.
    expect(await listed(node, { recordID: id.slice(0, 40) })).toMatchObject([{ recordID: id }]);
    expect(await listed(node, { recordID: `x,${id.slice(0, 7)}`, meetingID: 'other' })).toMatchObject([
      { recordID: id },
    ]);
    expect(await listed(node, { recordID: `${id}0` })).toEqual([]);
    const size = node.recordingList()[0]!.size;
    expect(size).toBeGreaterThan(64 * 1024);
    expect(r).toMatchObject({
      recordID: id,
      published: 'true',
      state: 'published',
      participants: '1',
      metadata: { course: 'CS101', 'bbb-origin': 'ensemble' },
      size: String(size),
      playback: {
        format: {
          type: 'presentation',
          url: `${node.origin}/playback/presentation/2.3/${id}`,
          processingTime: '1500',
          size: String(size),
        },
      },
    });
  });

  it('records from the first join with autoStartRecording, and moves the files on unpublish and delete', async () => {
    const id = await openLecture(node, 'auto', { autoStartRecording: 'true' });
    await end(node, 'auto');
    await waitFor('the recording published', () => node.recordingList()[0]?.state === 'published');
    await call(node, 'publishRecordings', { recordID: id, publish: 'false' });
    expect(readFileSync(join(node.recordingDir(id, 'unpublished')!, 'metadata.xml'), 'utf8')).toContain(id);
    expect(await listed(node, { recordID: id })).toMatchObject([{ published: 'false', state: 'unpublished' }]);
    await call(node, 'deleteRecordings', { recordID: id });
    expect(readFileSync(join(node.recordingDir(id, 'deleted')!, 'metadata.xml'), 'utf8')).toContain(id);
    expect(await listed(node, { state: 'any' })).toEqual([]);
  });
});
