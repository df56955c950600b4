import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { CallbackReceiver, waitFor, type ObjectStorageServer } from '@ensemble/testing';
import { jwtVerify } from 'jose';
import { RECORDINGS_API_SECRET, RecordingsStack, UPLOADER } from './recordings.test-support.js';

const SLOW = 120_000;
/** RECORDING_TOKEN_GRACE_S of this suite's scheduler: a removed node's token, honoured this long. */
const TOKEN_GRACE_S = 6;

/**
 * A node's published recording reaches Ensemble through the real post_publish script, run
 * by bbb-sim as BBB runs it: stored in object storage (the local S3 server) and indexed in
 * PostgreSQL, all or nothing (decisions 101-102).
 */
describe('recordings transferred from their node into storage and the index', () => {
  const rs = new RecordingsStack();
  const { stack, dir, env } = rs;
  let storage: ObjectStorageServer;
  const node = () => rs.node();
  const token = () => rs.token();
  const sql = <T>(text: string, values: unknown[] = []) => rs.sql<T>(text, values);
  const keys = (prefix: string) => rs.keys(prefix);
  const object = async (key: string) => (await rs.object(key)).toString('utf8');
  const recordLecture = () => rs.recordLecture();
  const runOf = (id: string) =>
    node()
      .postPublishRuns()
      .find((r) => r.recordID === id)!;

  /** The archive the script sends (same flags: the same bytes), of a published recording directory. */
  const archive = (publishedFormatDir: string, id: string) =>
    spawnSync(
      'bash',
      [
        '-c',
        `tar --sort=name --format=gnu --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$1" -cf - "$2" | gzip -n`,
        '_',
        publishedFormatDir,
        id,
      ],
      { maxBuffer: 1 << 30 },
    ).stdout;
  const digestOf = (body: Buffer) => `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
  const put = (id: string, body: Buffer, headers: Record<string, string> = {}) =>
    fetch(`${stack.gateway.url}/api/recordings/transfer/v1/${id}/presentation`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${token()}`,
        'content-type': 'application/gzip',
        'content-digest': digestOf(body),
        ...headers,
      },
      body: new Uint8Array(body),
    });
  /** A copy of a node's recording under another record id (a recording the index has never seen). */
  const copyAs = (id: string, copy: string) => {
    const parent = mkdtempSync(join(dir, 'copy-'));
    cpSync(node().recordingDir(id)!, join(parent, copy), { recursive: true });
    const meta = join(parent, copy, 'metadata.xml');
    writeFileSync(meta, readFileSync(meta, 'utf8').replaceAll(id, copy));
    return archive(parent, copy);
  };
  const pending = () =>
    new Promise<number | null>((resolve) => {
      const child = spawn(UPLOADER, ['--pending'], { env: { ...process.env, ...env }, stdio: 'ignore' });
      child.once('close', resolve);
    });

  const receiver = new CallbackReceiver();

  beforeAll(async () => {
    await receiver.start();
    await rs.start({ scheduler: { RECORDING_TOKEN_GRACE_S: String(TOKEN_GRACE_S) } });
    storage = rs.storage;
  }, SLOW);
  afterAll(async () => {
    await rs.stop();
    await receiver.stop();
  });

  it('answers a node registered by hand its issued upload token once, with where it goes', async () => {
    const node = { id: 'by-hand', url: 'http://127.0.0.1:9/by-hand/bigbluebutton/', secret: 'by-hand-secret' };
    const first = (await (await stack.ops('POST', '/api/ops/nodes', node)).json()) as Record<string, string>;
    expect(first.recordingToken).toMatch(/^[A-Za-z0-9_-]{48}$/);
    expect(first.recordingTokenNote).toContain('/etc/ensemble/recording-upload.conf');
    const again = (await (await stack.ops('POST', '/api/ops/nodes', node)).json()) as Record<string, string>;
    expect(again.recordingToken).toBeUndefined();
    const listed = await (await stack.ops('GET', '/api/ops/nodes/by-hand')).text();
    expect(listed).not.toContain(first.recordingToken);
    expect((await stack.ops('DELETE', '/api/ops/nodes/by-hand')).status).toBe(200);
  });

  it(
    'stores and indexes a published recording: its files in storage, its metadata in PostgreSQL',
    async () => {
      const id = await recordLecture();
      expect(runOf(id)).toMatchObject({ script: 'post_publish_ensemble.rb', exitCode: 0 });
      const [row] = await sql<Record<string, unknown>>('SELECT * FROM recordings WHERE record_id = $1', [id]);
      expect(row).toMatchObject({
        meeting_id: 'lecture-1',
        internal_meeting_id: id,
        name: 'Lecture 1',
        state: 'published',
        node_id: 'bbb-1',
        metadata: expect.objectContaining({ course: 'm1' }),
      });
      const [format] = await sql<Record<string, unknown>>('SELECT * FROM recording_formats WHERE record_id = $1', [id]);
      const prefix = `recordings/${id}/presentation/${format!.digest as string}/`;
      expect(format).toMatchObject({
        format: 'presentation',
        prefix,
        playback_path: `/playback/presentation/2.3/${id}`,
      });
      const stored = await keys(prefix);
      expect(stored).toEqual(expect.arrayContaining([`${prefix}metadata.xml`, `${prefix}video/webcams.webm`]));
      expect(stored).toHaveLength(Number(format!.file_count));
      expect(await object(`${prefix}metadata.xml`)).toBe(
        readFileSync(join(node().recordingDir(id)!, 'metadata.xml'), 'utf8'),
      );
      expect(await keys('staging/')).toEqual([]);
      // The same bytes again (a rebuild, the timer): 200 and nothing changes.
      const later = new Date(Date.now() + 5000);
      utimesSync(join(node().recordingDir(id)!, 'metadata.xml'), later, later);
      expect(await pending()).toBe(0);
      expect(await sql('SELECT * FROM recording_formats WHERE record_id = $1', [id])).toEqual([format]);
      const again = await put(id, archive(dirname(node().recordingDir(id)!), id));
      expect(again.status).toBe(200);
      expect(await keys(`recordings/${id}/`)).toHaveLength(stored.length);
    },
    SLOW,
  );

  it(
    "calls the integration's recording-ready URL once the recording is in storage, signed as BBB signs it",
    async () => {
      // The URL as the gateway hands it to the node (decision 103): under a name BBB's own
      // post_publish callback script does not know, kept in metadata.xml for the transfer.
      const url = receiver.script('/ready', [500]);
      const id = await rs.recordLecture({ meta_course: 'm1', 'meta_ensemble-recording-ready-url': url });
      expect(runOf(id)).toMatchObject({ exitCode: 0 });
      await waitFor('the callback, after one failed attempt', () => receiver.at('/ready').length === 2, {
        timeoutMs: 60_000,
      });
      const [, delivered] = receiver.at('/ready');
      expect(delivered!.contentType).toContain('application/x-www-form-urlencoded');
      const jwt = new URLSearchParams(delivered!.body).get('signed_parameters')!;
      const { payload } = await jwtVerify(jwt, new TextEncoder().encode(RECORDINGS_API_SECRET));
      const [row] = await sql<{ meeting_id: string }>('SELECT meeting_id FROM recordings WHERE record_id = $1', [id]);
      expect(payload).toMatchObject({ meeting_id: row!.meeting_id, record_id: id });
      // The node's sync timer changes nothing and calls nobody again.
      expect(await pending()).toBe(0);
      await new Promise((r) => setTimeout(r, 1000));
      expect(receiver.at('/ready')).toHaveLength(2);
    },
    SLOW,
  );

  it(
    'refuses a wrong token (401) and a body that does not match its digest (400 digest-mismatch), storing nothing',
    async () => {
      const id = await recordLecture();
      const copy = `${'f'.repeat(40)}-1700000000001`;
      const body = copyAs(id, copy);
      const wrong = await put(copy, body, { authorization: 'Bearer not-the-token-of-any-node-0123456789' });
      expect(wrong.status).toBe(401);
      const bad = await put(copy, body, { 'content-digest': digestOf(Buffer.from('something else')) });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('digest-mismatch');
      expect(await sql('SELECT 1 FROM recordings WHERE record_id = $1', [copy])).toEqual([]);
      expect(await keys(`recordings/${copy}/`)).toEqual([]);
      expect(await keys('staging/')).toEqual([]);
      // Not an archive of this record id: 400, nothing indexed.
      const other = await put(`${'e'.repeat(40)}-1700000000002`, body);
      expect(other.status).toBe(400);
    },
    SLOW,
  );

  it(
    'keeps nothing of an upload cut mid-way, and the retry stores exactly one complete recording',
    async () => {
      const id = await recordLecture();
      const copy = `${'c'.repeat(40)}-1700000000003`;
      const body = copyAs(id, copy);
      expect(body.length).toBeGreaterThan(10 << 20);
      // Half the body, then the connection is cut.
      await new Promise<void>((resolve) => {
        const req = request(`${stack.gateway.url}/api/recordings/transfer/v1/${copy}/presentation`, {
          method: 'PUT',
          headers: {
            authorization: `Bearer ${token()}`,
            'content-type': 'application/gzip',
            'content-digest': digestOf(body),
            'content-length': String(body.length),
          },
        });
        req.on('error', () => resolve());
        req.write(body.subarray(0, body.length >> 1), () => setTimeout(() => req.destroy(), 200));
        req.on('close', () => resolve());
      });
      await waitFor('the cut upload aborted', async () => (await keys('staging/')).length === 0);
      expect(await sql('SELECT 1 FROM recordings WHERE record_id = $1', [copy])).toEqual([]);
      const retried = await put(copy, body);
      expect(retried.status).toBe(201);
      const answer = (await retried.json()) as { files: number };
      expect(await sql('SELECT record_id FROM recording_formats WHERE record_id = $1', [copy])).toHaveLength(1);
      expect(await keys(`recordings/${copy}/`)).toHaveLength(answer.files);
    },
    SLOW,
  );

  it(
    'leaves the recording on its node while storage is down (exit 1), and the sync timer completes it once storage is back',
    async () => {
      await storage.process.stop();
      let id: string;
      try {
        id = await recordLecture();
        expect(runOf(id).exitCode).toBe(1);
        expect(await sql('SELECT 1 FROM recordings WHERE record_id = $1', [id])).toEqual([]);
      } finally {
        await storage.process.start();
      }
      expect(await pending()).toBe(0);
      expect(await sql('SELECT state FROM recordings WHERE record_id = $1', [id])).toEqual([{ state: 'published' }]);
      expect((await keys(`recordings/${id}/`)).length).toBeGreaterThan(0);
    },
    SLOW,
  );

  it(
    'takes a removed node’s uploads for RECORDING_TOKEN_GRACE_S, then refuses its token (401), though the gateway had it cached',
    async () => {
      const id = (await sql<{ record_id: string }>('SELECT record_id FROM recordings LIMIT 1'))[0]!.record_id;
      const body = archive(dirname(node().recordingDir(id)!), id);
      // A recording the node still holds when it is removed (as one unreachable then would).
      const late = `${'d'.repeat(40)}-1700000000004`;
      const lateBody = copyAs(id, late);
      expect((await put(id, body)).status).toBe(200); // cached: the token resolves to bbb-1
      expect((await stack.ops('DELETE', '/api/ops/nodes/bbb-1')).status).toBe(200);
      const removedAt = Date.now();
      // Within the grace: handed over, indexed under the removed node.
      expect((await put(late, lateBody)).status).toBe(201);
      expect(Date.now() - removedAt).toBeLessThan(TOKEN_GRACE_S * 1000);
      expect(await sql('SELECT node_id FROM recordings WHERE record_id = $1', [late])).toEqual([{ node_id: 'bbb-1' }]);
      // After it: refused, though the gateway had cached the token (for 30 s, never past its grace).
      await waitFor('the token refused', async () => (await put(id, body)).status === 401, { timeoutMs: 30_000 });
      expect(Date.now() - removedAt).toBeGreaterThanOrEqual(TOKEN_GRACE_S * 1000 - 1000);
      expect(Date.now() - removedAt).toBeLessThan(TOKEN_GRACE_S * 1000 + 15_000);
      // The recordings it sent stay listed and stored.
      expect(await sql('SELECT 1 FROM recordings WHERE record_id IN ($1, $2)', [id, late])).toHaveLength(2);
    },
    SLOW,
  );

  it('never logs a node upload token, and no upload ended in an unhandled error', () => {
    const logs = stack.logs.join('\n');
    expect(logs).not.toContain(token());
    expect(logs).not.toContain('unhandled error');
    expect(logs).toContain('recording stored');
  });
});
