import { spawnSync } from 'node:child_process';
import { jitsiJoinUrl } from '@ensemble/shared';
import { JitsiSim } from './jitsi-sim.js';
import { startControlServer } from './control.js';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const app = { appId: 'ensemble', appSecret: 'sim-app-secret-0123456789' };

/** Non-idle share of CPU time between two scrapes, as Prometheus' rate() would see it. */
function busyBetween(a: string, b: string): number {
  const sum = (text: string, idle: boolean) =>
    [...text.matchAll(/^node_cpu_seconds_total\{cpu="\d+",mode="(\w+)"\} ([\d.]+)$/gm)]
      .filter((m) => (m[1] === 'idle') === idle)
      .reduce((s, m) => s + Number(m[2]), 0);
  const idle = sum(b, true) - sum(a, true);
  const busy = sum(b, false) - sum(a, false);
  return busy / (idle + busy);
}

describe('jitsi-sim', () => {
  let sim: JitsiSim;
  let control: Server;
  let controlUrl: string;
  beforeAll(async () => {
    sim = await JitsiSim.start({ nodes: 2, cpu: { base: 0.05, perParticipant: 0.01 }, app });
    control = await startControlServer(sim, 0);
    controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    control.closeAllConnections();
    control.close();
    await sim.stop();
  });
  const metrics = async (i = 0) => (await fetch(sim.nodes[i]!.metricsUrl)).text();
  const post = (path: string, body: unknown) =>
    fetch(`${controlUrl}${path}`, { method: 'POST', body: JSON.stringify(body) });

  it('serves node_exporter CPU counters and the videobridge gauges in the Prometheus text format', async () => {
    const text = await metrics();
    expect(text).toContain('# TYPE node_cpu_seconds_total counter');
    expect(text).toMatch(/^node_cpu_seconds_total\{cpu="3",mode="idle"\} [\d.]+$/m);
    expect(text).toMatch(/^jitsi_conferences 0$/m);
    expect(text).toMatch(/^jitsi_participants 0$/m);
    expect(text).toMatch(/^jitsi_stress_level [\d.]+$/m);
    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    // promtool comes with Debian's prometheus package, which the tests need anyway.
    expect(promtool.error).toBeUndefined();
    expect(promtool.stdout + promtool.stderr).toBe('');
    expect(promtool.status).toBe(0);
  });

  it('grows the non-idle CPU counters at base + per-participant share of the participants placed on it', async () => {
    expect((await post('/nodes/jitsi-1/participants', { count: 40, conference: 'big-room' })).status).toBe(200);
    const a = await metrics();
    await new Promise((r) => setTimeout(r, 400));
    const b = await metrics();
    expect(busyBetween(a, b)).toBeCloseTo(0.45, 2);
    expect(b).toMatch(/^jitsi_participants 40$/m);
    expect(b).toMatch(/^jitsi_conferences 1$/m);
    await post('/nodes/jitsi-1/reset', {});
    expect(sim.nodes[0]!.participants()).toBe(0);
  });

  it('counts a participant who opens a join link with a valid token, and refuses one signed with another secret', async () => {
    const node = sim.nodes[1]!;
    const user = { name: 'Ada', moderator: true, affiliation: 'owner' as const };
    const ok = await fetch(jitsiJoinUrl(node.baseUrl, 'Daily Standup', user, { ...app, ttlS: 60 }));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('as moderator');
    expect(node.conferences()).toEqual([{ name: 'daily-standup', participants: 1 }]);
    const forged = jitsiJoinUrl(node.baseUrl, 'Daily Standup', user, {
      ...app,
      appSecret: 'another-secret-456789',
      ttlS: 60,
    });
    expect((await fetch(forged)).status).toBe(401);
    expect(node.participants()).toBe(1);
  });

  it('closes its port when taken down and answers again on the same port when brought back', async () => {
    const node = sim.nodes[0]!;
    const port = node.port;
    expect((await post('/nodes/jitsi-1/down', { down: true })).status).toBe(200);
    await expect(fetch(node.metricsUrl)).rejects.toThrow();
    await post('/nodes/jitsi-1/down', { down: false });
    expect(node.port).toBe(port);
    expect((await fetch(node.metricsUrl)).status).toBe(200);
  });

  it('answers 400 to a bad control request and 404 to an unknown node', async () => {
    expect((await post('/nodes/jitsi-1/participants', { count: 'many' })).status).toBe(400);
    expect((await post('/nodes/jitsi-1/down', { down: 'yes' })).status).toBe(400);
    expect((await post('/nodes/nope/reset', {})).status).toBe(404);
  });
});
