import { JitsiSim } from '@ensemble/jitsi-sim';
import { contracts } from '@ensemble/contracts';
import { loadSample, waitFor } from '@ensemble/testing';
import { jwtVerify } from 'jose';
import { signUp, startRoomsStack, type RoomsStack } from './rooms.test-support.js';

const APP = { appId: 'ensemble-test', appSecret: 'jitsi-app-secret-0123456789' };
const tokenOf = (link: string) => link.split('/j/')[1]!;

/** Jitsi rooms from the web app: placed by free CPU, joined with a JWT carrying the role. */
describe('Jitsi rooms', () => {
  let stack: RoomsStack;
  let jitsi: JitsiSim;
  let base: string;

  beforeAll(async () => {
    stack = await startRoomsStack({ env: { JITSI_APP_ID: APP.appId, JITSI_APP_SECRET: APP.appSecret } });
    base = stack.gateway.url;
    jitsi = await JitsiSim.start({ nodes: 3, app: APP });
    let at = Date.now();
    for (const [i, n] of jitsi.nodes.entries()) {
      await stack.bus.request(contracts.registerNode, { id: n.id, engine: 'jitsi', url: n.baseUrl });
      stack.bus.publish(contracts.loadSample, loadSample(n.id, { engine: 'jitsi', at: ++at, cpu: 0.1 + i * 0.1 }));
    }
    await waitFor('jitsi nodes online', async () => {
      const { nodes } = await stack.bus.request(contracts.listNodes, { engine: 'jitsi' });
      return nodes.filter((n) => n.health === 'online').length === 3;
    });
  });
  afterAll(async () => {
    await jitsi?.stop();
    await stack?.close();
  });

  it("gives both links of a room URLs on one node, with the link's moderator claim", async () => {
    const owner = await signUp(base);
    const created = await owner.json('POST', '/api/rooms', { name: 'Café du matin', engine: 'jitsi' });
    expect(created.status).toBe(201);
    const room = created.body as { moderatorLink: string; participantLink: string };

    const info = await owner.json('GET', `/api/join/${tokenOf(room.participantLink)}`);
    expect(info.body).toEqual({
      roomName: 'Café du matin',
      engine: 'jitsi',
      role: 'viewer',
      code: 'none',
      requireSignIn: false,
      recordings: [],
    });

    const mod = await owner.json('POST', `/api/join/${tokenOf(room.moderatorLink)}`, { displayName: 'Ada' });
    const viewer = await owner.json('POST', `/api/join/${tokenOf(room.participantLink)}`, { displayName: 'Bob' });
    expect([mod.status, viewer.status]).toEqual([200, 200]);
    const [m, v] = [new URL(mod.body.url as string), new URL(viewer.body.url as string)];
    expect(m.origin).toBe(v.origin);
    expect(m.pathname).toBe(v.pathname);
    expect(m.pathname).toMatch(/^\/cafe-du-matin-/);
    const node = jitsi.nodes.find((n) => mod.body.url.startsWith(n.baseUrl));
    expect(node?.id).toBe('jitsi-1'); // the most free CPU

    const key = new TextEncoder().encode(APP.appSecret);
    const claims = async (u: URL) =>
      (await jwtVerify(u.searchParams.get('jwt')!, key, { audience: 'jitsi', issuer: APP.appId })).payload;
    expect(await claims(m)).toMatchObject({
      room: m.pathname.slice(1),
      context: { user: { name: 'Ada', moderator: true } },
    });
    expect(await claims(v)).toMatchObject({
      room: v.pathname.slice(1),
      context: { user: { name: 'Bob', moderator: false } },
    });
    await expect(
      jwtVerify(m.searchParams.get('jwt')!, new TextEncoder().encode('another-secret-0123456789')),
    ).rejects.toThrow();

    // The simulated node checks the token as Jitsi's token auth would, and counts the participant.
    expect((await fetch(m)).status).toBe(200);
    expect(node!.participants()).toBe(1);
  });

  it('never shows the app secret in answers or logs', async () => {
    const owner = await signUp(base);
    const r = await owner.json('POST', '/api/rooms', { name: 'Quiet', engine: 'jitsi' });
    const join = await owner.json('POST', `/api/join/${tokenOf(r.body.moderatorLink as string)}`, {
      displayName: 'Eve',
    });
    expect(JSON.stringify([r.body, join.body])).not.toContain(APP.appSecret);
    expect(stack.logs.join('\n')).not.toContain(APP.appSecret);
  });
});
