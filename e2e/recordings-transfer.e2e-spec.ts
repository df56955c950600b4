import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import { startObjectStorage, waitFor, type ObjectStorageServer } from '@ensemble/testing';
import { FleetStack } from './fleet-stack.test-support.js';
import { POST_PUBLISH, UPLOADER, gatewayStorageEnv, recordMeeting, uploaderEnv } from './recordings.test-support.js';

const SLOW = 120_000;

/**
 * A node's published recording reaches Ensemble through the real post_publish script, run
 * by bbb-sim as BBB runs it: stored in object storage (the local S3 server) and indexed in
 * PostgreSQL, all or nothing (decisions 101-102).
 */
describe('recordings transferred from their node into storage and the index', () => {
  const stack = new FleetStack();
  let storage: ObjectStorageServer;
  let s3: S3Client;
  let bucket: string;
  const dir = mkdtempSync(join(tmpdir(), 'ensemble-rec-e2e-'));
  const env = { ...uploaderEnv(dir), BBB_PUBLISHED_DIR: join(dir, 'nodes/bbb-1/var/bigbluebutton/published') };
  const conf = env.ENSEMBLE_RECORDING_CONF;
  let lecture = 0;

  const node = () => stack.sim.nodes[0]!;
  const token = () => stack.recordingTokens.get('bbb-1')!;
  const sql = async <T>(text: string, values: unknown[] = []): Promise<T[]> => {
    const c = new Client({ connectionString: stack.postgres.url });
    await c.connect();
    try {
      return (await c.query(text, values)).rows as T[];
    } finally {
      await c.end();
    }
  };
  const keys = async (prefix: string) =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!);
  const object = async (key: string) =>
    (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();

  /** A recorded meeting, ended; resolves once the node's post_publish run is over. */
  async function recordLecture(): Promise<string> {
    const meetingID = `lecture-${++lecture}`;
    const n = node();
    const id = await recordMeeting(n, meetingID, { name: `Lecture ${lecture}`, meta_course: 'm1' });
    await waitFor('the post_publish run', () => n.postPublishRuns().some((x) => x.recordID === id), {
      timeoutMs: 30_000,
    });
    return id;
  }
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

  beforeAll(async () => {
    storage = await startObjectStorage();
    bucket = await storage.createBucket();
    s3 = new S3Client(storage.clientConfig());
    await stack.start({
      nodes: 1,
      sim: {
        recordings: {
          dataDir: join(dir, 'nodes'),
          processingMs: 50,
          postPublishDir: POST_PUBLISH,
          postPublishEnv: env,
          videoBytes: 12 << 20,
        },
      },
      gateway: gatewayStorageEnv(storage, bucket),
    });
    // As an operator puts the token the registration showed once on the node.
    writeFileSync(conf, `ENSEMBLE_URL=${stack.gateway.url}\nENSEMBLE_NODE_TOKEN=${token()}\n`, { mode: 0o600 });
  }, SLOW);
  afterAll(async () => {
    s3?.destroy();
    await stack.stop();
    await storage?.stop();
    rmSync(dir, { recursive: true, force: true });
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
    'stops taking uploads with a removed node’s token at once, though the gateway had it cached',
    async () => {
      const id = (await sql<{ record_id: string }>('SELECT record_id FROM recordings LIMIT 1'))[0]!.record_id;
      const body = archive(dirname(node().recordingDir(id)!), id);
      expect((await put(id, body)).status).toBe(200); // cached: the token resolves to bbb-1
      expect((await stack.ops('DELETE', '/api/ops/nodes/bbb-1')).status).toBe(200);
      await waitFor('the token refused', async () => (await put(id, body)).status === 401);
      // The recordings it sent stay listed and stored.
      expect(await sql('SELECT 1 FROM recordings WHERE record_id = $1', [id])).toHaveLength(1);
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
