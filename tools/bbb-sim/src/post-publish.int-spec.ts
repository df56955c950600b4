import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@ensemble/testing';
import { call, get, xml } from './http.test-support.js';
import { SimNode } from './sim-node.js';
import { TransferReceiver } from './transfer-receiver.test-support.js';

/** The scripts the Terraform module installs in BBB's post_publish directory. */
const POST_PUBLISH = fileURLToPath(new URL('../../../infra/terraform/files/post_publish/', import.meta.url));
const UPLOADER = join(POST_PUBLISH, 'ensemble-recording-upload.sh');
const TOKEN = 'node-token-0123456789abcdef';

describe("the post_publish script, run by bbb-sim as BBB runs it, hands recordings to Ensemble's endpoint", () => {
  let dir: string;
  let node: SimNode;
  let receiver: TransferReceiver;
  let env: Record<string, string>;
  let lecture = 0;

  /** A recorded, published lecture; resolves once its post_publish run ended. */
  async function publishLecture(): Promise<string> {
    const meetingID = `lecture-${++lecture}`;
    const created = xml((await call(node, 'create', { name: meetingID, meetingID, record: 'true' })).body);
    const join = await call(node, 'join', { fullName: 'Ada', meetingID, role: 'MODERATOR' });
    await get(String(join.headers.location));
    node.setRecording(meetingID, true);
    await call(node, 'end', { meetingID });
    const id = String(created.internalMeetingID);
    await waitFor('the post_publish run', () => node.postPublishRuns().some((r) => r.recordID === id));
    return id;
  }
  const runOf = (id: string) => node.postPublishRuns().find((r) => r.recordID === id)!;
  /** The uploader's timer mode, as the node's ensemble-recording-sync.timer runs it; its exit status. */
  const pending = () =>
    new Promise<number | null>((resolve) => {
      // Not spawnSync: the receiver answering it lives in this process's event loop.
      const child = spawn(UPLOADER, ['--pending'], { env: { ...process.env, ...env }, stdio: 'ignore' });
      child.once('close', resolve);
    });
  /** The files of a stored archive, as `tar -tz` lists them. */
  const archived = (body: Buffer) =>
    spawnSync('tar', ['-tz'], { input: body, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bbb-sim-post-publish-'));
    receiver = await new TransferReceiver(TOKEN).start();
    const conf = join(dir, 'recording-upload.conf');
    writeFileSync(conf, `ENSEMBLE_URL=${receiver.url}\nENSEMBLE_NODE_TOKEN=${TOKEN}\n`, { mode: 0o600 });
    env = {
      ENSEMBLE_RECORDING_CONF: conf,
      BBB_PUBLISHED_DIR: join(dir, 'node/var/bigbluebutton/published'),
      ENSEMBLE_STATE_DIR: join(dir, 'state'),
      ENSEMBLE_UPLOAD_ATTEMPTS: '4',
      ENSEMBLE_UPLOAD_BACKOFF_S: '0',
    };
    node = await new SimNode({
      id: 'bbb-pp',
      secret: 'ppsecret',
      recordings: {
        dataDir: join(dir, 'node'),
        postPublishDir: POST_PUBLISH,
        postPublishEnv: env,
        videoBytes: 3 << 20,
      },
    }).start();
  });
  afterAll(async () => {
    await node?.stop();
    await receiver?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs post_publish_ensemble.rb with -m <record id> -f presentation, and the upload survives a 503 and a cut connection', async () => {
    receiver.failNext('http-503', 'reset-midway');
    const before = receiver.attempts.length;
    const id = await publishLecture();

    const run = runOf(id);
    expect(run).toMatchObject({
      script: 'post_publish_ensemble.rb',
      args: ['-m', id, '-f', 'presentation'],
      exitCode: 0,
    });
    expect(run.output).not.toContain(TOKEN);
    const attempts = receiver.attempts.slice(before);
    expect(attempts.map((a) => a.status)).toEqual([503, 0, 201]);
    expect(attempts.every((a) => a.authorized && a.recordID === id && a.format === 'presentation')).toBe(true);
    expect(attempts[1]!.bytes).toBeLessThan(attempts[2]!.bytes); // the cut one arrived in part only

    const stored = receiver.stored.get(`${id}/presentation`)!;
    expect(stored.stores).toBe(1);
    const files = archived(stored.body);
    expect(files).toEqual(
      expect.arrayContaining([`${id}/metadata.xml`, `${id}/video/webcams.webm`, `${id}/shapes.svg`]),
    );
    const metadata = spawnSync('tar', ['-xzO', `${id}/metadata.xml`], { input: stored.body, encoding: 'utf8' }).stdout;
    expect(metadata).toBe(readFileSync(join(node.recordingDir(id)!, 'metadata.xml'), 'utf8'));
  });

  it('hands over the same bytes again when asked twice, which the endpoint takes as a no-op', async () => {
    const id = await publishLecture();
    const first = receiver.stored.get(`${id}/presentation`)!;
    expect(await pending()).toBe(0);
    expect(receiver.attempts.filter((a) => a.recordID === id)).toHaveLength(1); // done: nothing pending

    const later = new Date(Date.now() + 5000);
    utimesSync(join(node.recordingDir(id)!, 'metadata.xml'), later, later); // as a rebuild would
    expect(await pending()).toBe(0);
    const attempts = receiver.attempts.filter((a) => a.recordID === id);
    expect(attempts.map((a) => a.status)).toEqual([201, 200]);
    expect(attempts[1]!.digest).toBe(attempts[0]!.digest);
    expect(receiver.stored.get(`${id}/presentation`)).toEqual(first);
  });

  it('keeps a recording pending while Ensemble is unreachable, and the sync timer hands it over later', async () => {
    await receiver.stop();
    const id = await publishLecture();
    expect(runOf(id).exitCode).toBe(1);
    expect(runOf(id).output).toContain('still pending after 4 attempts');
    expect(existsSync(join(env.ENSEMBLE_STATE_DIR!, `${id}-presentation.done`))).toBe(false);

    await receiver.start();
    expect(await pending()).toBe(0);
    expect(receiver.stored.get(`${id}/presentation`)?.stores).toBe(1);
    expect(existsSync(join(env.ENSEMBLE_STATE_DIR!, `${id}-presentation.done`))).toBe(true);
  });

  it('stops at once, without retrying, when the endpoint refuses the token', async () => {
    const conf = env.ENSEMBLE_RECORDING_CONF!;
    const good = readFileSync(conf, 'utf8');
    writeFileSync(conf, good.replace(TOKEN, 'some-other-nodes-token-000'));
    try {
      const before = receiver.attempts.length;
      const id = await publishLecture();
      expect(runOf(id).exitCode).toBe(2);
      expect(receiver.attempts.slice(before).map((a) => [a.status, a.authorized])).toEqual([[401, false]]);
      expect(receiver.stored.has(`${id}/presentation`)).toBe(false);
    } finally {
      writeFileSync(conf, good);
    }
  });
});
