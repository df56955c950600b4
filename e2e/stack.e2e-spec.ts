import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { signedApiUrl } from '@ensemble/shared';
import { freePort, waitFor } from '@ensemble/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TOKEN = 'e2e-ops-token-abcdefghijkl';

interface Stack {
  gateway: string;
  bbbSimControl: string;
  simNodes: string[];
  objectStorage: { endpoint: string; bucket: string };
}
interface SimNodeInfo {
  id: string;
  url: string;
  secret: string;
}

/** The whole stack exactly as `npm start` runs it (built services, real NATS/Redis, bbb-sim). */
describe('the stack started by npm start', () => {
  let child: ChildProcess;
  let stateDir: string;
  let stack: Stack;
  let sim: SimNodeInfo[];
  let output = '';
  let port: number;
  let firstPlacement: { nodeId: string; url: string };

  const ops = (path: string, init: RequestInit = {}) =>
    fetch(`${stack.gateway}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    });
  const cluster = async () =>
    (await (await ops('/api/ops/cluster')).json()) as {
      nodes: Array<{ id: string; health: string; lastSample: { participants: number } | null }>;
    };
  const place = async (roomKey: string) =>
    (await (
      await ops('/api/ops/placements', { method: 'POST', body: JSON.stringify({ roomKey, engine: 'bbb' }) })
    ).json()) as { nodeId: string; url: string; outcome: string };
  const fault = (id: string, mode: string) =>
    fetch(`${stack.bbbSimControl}/nodes/${id}/fault`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode }),
    });

  const startStack = async () => {
    output = '';
    child = spawn(
      process.execPath,
      [
        'scripts/start.mjs',
        '--skip-install',
        '--any-ports',
        '--sim-bbb',
        '3',
        '--sim-jitsi',
        '0',
        '--port',
        String(port),
        '--poll-interval',
        '0.25',
        '--state-dir',
        stateDir,
      ],
      {
        env: {
          ...process.env,
          OPS_TOKEN: TOKEN,
          HEALTH_OFFLINE_AFTER: '2',
          HEALTH_ONLINE_AFTER: '2',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const ready = join(stateDir, 'stack.json');
    rmSync(ready, { force: true });
    await waitFor(
      'the stack to be ready',
      // Ready once stack.json exists and its banner has come through the pipe (read on our side).
      () =>
        (existsSync(ready) && output.includes('Ctrl-C stops everything.')) ||
        (child.exitCode !== null ? Promise.reject(new Error(output)) : false),
      { timeoutMs: 90_000 },
    );
    stack = JSON.parse(readFileSync(ready, 'utf8')) as Stack;
    sim = (JSON.parse(readFileSync(join(stateDir, 'bbb-sim-nodes.json'), 'utf8')) as { nodes: SimNodeInfo[] }).nodes;
  };

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'ensemble-e2e-'));
    port = await freePort();
    await startStack();
  }, 100_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
    }
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('prints the web URL, the BBB API secret and the ops token', () => {
    expect(output).toContain(`Web app            ${stack.gateway}/`);
    expect(output).toContain(`Ops token          ${TOKEN}`);
    expect(output).toMatch(/BBB API secret {5}[0-9a-f]{48}/);
  });

  it('runs object storage that speaks S3 with the printed key pair and refuses unsigned requests', async () => {
    const { S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY } = JSON.parse(
      readFileSync(join(stateDir, 'secrets.json'), 'utf8'),
    ) as Record<string, string>;
    const { endpoint, bucket } = stack.objectStorage;
    expect(output).toContain(`Object storage     ${endpoint}  bucket ${bucket}`);
    expect(output).toContain(`access key ${S3_ACCESS_KEY_ID}, secret ${S3_SECRET_ACCESS_KEY}`);
    const client = new S3Client({
      endpoint,
      region: 'fr-par',
      forcePathStyle: true,
      credentials: { accessKeyId: S3_ACCESS_KEY_ID!, secretAccessKey: S3_SECRET_ACCESS_KEY! },
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    try {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'e2e/hello.txt', Body: 'hello' }));
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'e2e/' }));
      expect(listed.Contents?.map((o) => o.Key)).toEqual(['e2e/hello.txt']);
    } finally {
      client.destroy();
    }
    expect((await fetch(`${endpoint}/${bucket}/e2e/hello.txt`)).status).toBe(403);
  });

  it('brings every simulated node online through real polls', async () => {
    await waitFor(
      '3 online nodes',
      async () => (await cluster()).nodes.filter((n) => n.health === 'online').length === 3,
      { timeoutMs: 10_000 },
    );
  });

  it('returns a URL on a simulated node for a placement through the ops API', async () => {
    const p = await place('e2e-room');
    firstPlacement = p;
    expect(sim.map((n) => n.url)).toContain(p.url);
    expect(p.nodeId).toMatch(/^bbb-[123]$/);
  });

  it('answers the BBB API with the printed secret: create lands on a simulated node', async () => {
    const secret = /BBB API secret {5}([0-9a-f]{48})/.exec(output)![1]!;
    const res = await fetch(
      signedApiUrl(`${stack.gateway}/bigbluebutton/api`, 'create', { name: 'Stack', meetingID: 'e2e-bbb-api' }, secret),
    );
    const body = await res.text();
    expect(body).toContain('<returncode>SUCCESS</returncode>');
    expect(body).toContain('<meetingID>e2e-bbb-api</meetingID>');
  });

  it('sees participants who joined on the node in the next samples', async () => {
    const p = await place('e2e-live');
    const node = sim.find((n) => n.id === p.nodeId)!;
    const api = `${node.url}api`;
    await fetch(signedApiUrl(api, 'create', { name: 'Live', meetingID: 'e2e-live' }, node.secret));
    const joined = await fetch(
      signedApiUrl(api, 'join', { fullName: 'Ada', meetingID: 'e2e-live', role: 'VIEWER' }, node.secret),
      { redirect: 'manual' },
    );
    expect(joined.status).toBe(302);
    await fetch(joined.headers.get('location')!); // the client opens: now the participant counts
    await waitFor(
      'a participant in the samples',
      async () => (await cluster()).nodes.find((n) => n.id === p.nodeId)?.lastSample?.participants === 1,
      { timeoutMs: 10_000 },
    );
  });

  it('takes a dead node offline, moves its rooms on next join, and brings it back', async () => {
    const p = await place('e2e-moving');
    expect((await fault(p.nodeId, 'down')).status).toBe(200);
    await waitFor(
      'node offline',
      async () => (await cluster()).nodes.find((n) => n.id === p.nodeId)?.health === 'offline',
      { timeoutMs: 10_000 },
    );
    const moved = await place('e2e-moving');
    expect(moved.nodeId).not.toBe(p.nodeId);
    expect(moved.outcome).toBe('moved');
    await fault(p.nodeId, 'none');
    await waitFor(
      'node online again',
      async () => (await cluster()).nodes.find((n) => n.id === p.nodeId)?.health === 'online',
      { timeoutMs: 10_000 },
    );
  });

  it('stops every process on SIGTERM', async () => {
    const gatewayPort = Number(new URL(stack.gateway).port);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const listening = await new Promise<boolean>((resolve) => {
      const s = connect(gatewayPort, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    expect(listening).toBe(false);
  });

  it('keeps nodes and room assignments across a restart with the same state', async () => {
    await startStack();
    await waitFor(
      'nodes online after restart',
      async () => (await cluster()).nodes.filter((n) => n.health === 'online').length === 3,
      { timeoutMs: 10_000 },
    );
    const after = await place('e2e-room');
    expect(after).toMatchObject({ nodeId: firstPlacement.nodeId, url: firstPlacement.url, outcome: 'existing' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 100_000);
});
