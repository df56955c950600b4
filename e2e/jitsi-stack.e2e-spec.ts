import { jitsiJoinUrl } from '@ensemble/shared';
import { freePort, waitFor } from '@ensemble/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TOKEN = 'e2e-ops-token-jitsi-abcdef';

interface Stack {
  gateway: string;
  prometheus: string | null;
  jitsiSimControl: string;
  jitsiNodes: string[];
}
interface ClusterNode {
  id: string;
  engine: string;
  health: string;
  url: string;
  prometheusInstance?: string;
  lastSample: { cpu: number | null; participants: number } | null;
}

/** `npm start -- --sim-jitsi 3`: jitsi-sim, a real Prometheus scraping it, and the services. */
describe('the stack started by npm start with simulated Jitsi nodes', () => {
  let child: ChildProcess;
  let stateDir: string;
  let stack: Stack;
  let output = '';

  const ops = (path: string, init: RequestInit = {}) =>
    fetch(`${stack.gateway}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    });
  const jitsiNodes = async () =>
    ((await (await ops('/api/ops/cluster')).json()) as { nodes: ClusterNode[] }).nodes.filter(
      (n) => n.engine === 'jitsi',
    );

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'ensemble-e2e-jitsi-'));
    const port = await freePort();
    child = spawn(
      process.execPath,
      [
        'scripts/start.mjs',
        '--skip-install',
        '--any-ports',
        '--sim-bbb',
        '0',
        '--sim-jitsi',
        '3',
        '--port',
        String(port),
        '--poll-interval',
        '0.5',
        '--state-dir',
        stateDir,
      ],
      { env: { ...process.env, OPS_TOKEN: TOKEN, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const ready = join(stateDir, 'stack.json');
    await waitFor(
      'the stack to be ready',
      () => existsSync(ready) || (child.exitCode !== null ? Promise.reject(new Error(output)) : false),
      { timeoutMs: 40_000 },
    );
    stack = JSON.parse(readFileSync(ready, 'utf8')) as Stack;
  }, 50_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(stateDir, { recursive: true, force: true });
  }, 20_000);

  it('prints the Prometheus URL it started', () => {
    expect(stack.prometheus).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(output).toContain(`Prometheus         ${stack.prometheus}`);
  });

  it('shows three Jitsi nodes online with live CPU in /api/ops/cluster', async () => {
    const nodes = await waitFor(
      'three Jitsi nodes with a CPU reading',
      async () => {
        const list = await jitsiNodes();
        return (
          list.length === 3 && list.every((n) => n.health === 'online' && typeof n.lastSample?.cpu === 'number') && list
        );
      },
      { timeoutMs: 30_000 },
    );
    expect(new Set(nodes.map((n) => n.prometheusInstance))).toEqual(new Set(stack.jitsiNodes));
    // live: load put on one node shows in its CPU
    const instance = stack.jitsiNodes[0]!;
    const simId = 'jitsi-1';
    await fetch(`${stack.jitsiSimControl}/nodes/${simId}/participants`, {
      method: 'POST',
      body: JSON.stringify({ count: 60 }),
    });
    await waitFor(
      'the loaded node CPU to rise',
      async () => {
        const n = (await jitsiNodes()).find((x) => x.prometheusInstance === instance);
        return (n?.lastSample?.cpu ?? 0) > 0.4 && n?.lastSample?.participants === 60;
      },
      { timeoutMs: 30_000 },
    );
  });

  it('gives a Jitsi room moderator and participant links on one node, which the node accepts with the right role', async () => {
    const res = await ops('/api/ops/placements', {
      method: 'POST',
      body: JSON.stringify({ roomKey: 'jitsi-e2e-room', engine: 'jitsi' }),
    });
    const p = (await res.json()) as { nodeId: string; url: string };
    expect(stack.jitsiNodes.map((i) => `http://${i}/`)).toContain(p.url);
    const { JITSI_APP_ID: appId, JITSI_APP_SECRET: appSecret } = JSON.parse(
      readFileSync(join(stateDir, 'secrets.json'), 'utf8'),
    ) as { JITSI_APP_ID: string; JITSI_APP_SECRET: string };
    const app = { appId, appSecret, ttlS: 300 };
    const moderator = jitsiJoinUrl(p.url, 'E2E Room', { name: 'Ada', moderator: true, affiliation: 'owner' }, app);
    const participant = jitsiJoinUrl(p.url, 'E2E Room', { name: 'Bob', moderator: false, affiliation: 'member' }, app);
    expect(new URL(moderator).origin).toBe(new URL(participant).origin);
    const m = await fetch(moderator);
    expect(m.status).toBe(200);
    expect(await m.text()).toContain('as moderator');
    const v = await fetch(participant);
    expect(v.status).toBe(200);
    expect(await v.text()).not.toContain('as moderator');
  });
});
