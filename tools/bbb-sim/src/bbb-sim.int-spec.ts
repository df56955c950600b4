import type { Server } from 'node:http';
import { signedApiUrl } from '@ensemble/shared';
import { freePort } from '@ensemble/testing';
import { BbbSim } from './bbb-sim.js';
import { startControlServer } from './control.js';
import { call, get, xml } from './http.test-support.js';

describe('a fleet of simulated BBB nodes', () => {
  let sim: BbbSim;
  let control: Server;
  let controlUrl: string;

  beforeAll(async () => {
    sim = await BbbSim.start({ nodes: 3 });
    control = await startControlServer(sim, 0);
    const addr = control.address();
    controlUrl = `http://127.0.0.1:${addr && typeof addr === 'object' ? addr.port : 0}`;
  });
  afterAll(async () => {
    control.closeAllConnections();
    await new Promise((r) => control.close(r));
    await sim.stop();
  });
  beforeEach(async () => {
    for (const n of sim.nodes) {
      n.reset();
      await n.setFault({ mode: 'none' });
    }
  });

  it('starts N nodes named bbb-1..bbb-N on distinct ports with distinct random 32-hex secrets', () => {
    expect(sim.nodes.map((n) => n.id)).toEqual(['bbb-1', 'bbb-2', 'bbb-3']);
    expect(new Set(sim.nodes.map((n) => n.port)).size).toBe(3);
    for (const n of sim.nodes) {
      expect(n.secret).toMatch(/^[0-9a-f]{32}$/);
      expect(n.baseUrl).toBe(`http://127.0.0.1:${n.port}/bigbluebutton/`);
      expect(n.apiUrl).toBe(`http://127.0.0.1:${n.port}/bigbluebutton/api/`);
    }
    expect(new Set(sim.nodes.map((n) => n.secret)).size).toBe(3);
    expect(sim.node('bbb-2')).toBe(sim.nodes[1]);
    expect(sim.node('bbb-9')).toBeUndefined();
  });

  it('keeps each node to its own secret and its own meetings', async () => {
    const [a, b] = [sim.nodes[0]!, sim.nodes[1]!];
    const signedForB = signedApiUrl(a.apiUrl, 'getMeetings', {}, b.secret);
    expect(xml((await get(signedForB)).body).messageKey).toBe('checksumError');
    await call(a, 'create', { name: 'Only on A', meetingID: 'only-a' });
    expect(xml((await call(b, 'getMeetings')).body).messageKey).toBe('noMeetings');
    expect(a.meetings()).toHaveLength(1);
  });

  it('serves seeded meetings with the given participant, video and voice counts', async () => {
    const n = sim.nodes[2]!;
    n.seedMeetings(
      Array.from({ length: 50 }, (_, i) => ({
        meetingID: `seed-${i}`,
        participants: i,
        videoCount: Math.floor(i / 2),
        voiceParticipantCount: Math.floor(i / 3),
        listenerCount: Math.floor(i / 5),
      })),
    );
    expect(n.addVideo('seed-0', 2)).toBe(true);
    expect(n.addVideo('nope', 1)).toBe(false);
    const x = xml((await call(n, 'getMeetings')).body);
    expect(x.meetings.meeting).toHaveLength(50);
    const m49 = x.meetings.meeting.find((m: { meetingID: string }) => m.meetingID === 'seed-49');
    expect(m49).toMatchObject({
      participantCount: '49',
      videoCount: '24',
      voiceParticipantCount: '16',
      listenerCount: '9',
      moderatorCount: '1',
      running: 'true',
    });
    expect(m49.attendees.attendee).toHaveLength(49);
    const m0 = x.meetings.meeting.find((m: { meetingID: string }) => m.meetingID === 'seed-0');
    expect(m0).toMatchObject({ participantCount: '0', videoCount: '2', running: 'false' });
    n.reset();
    expect(n.meetings()).toEqual([]);
  });

  it('lists nodes on the control API without their secrets, and sets faults through it', async () => {
    const list = await get(`${controlUrl}/nodes`);
    expect(list.status).toBe(200);
    const doc = JSON.parse(list.body) as {
      nodes: { id: string; url: string; fault: { mode: string }; meetings: number }[];
    };
    expect(doc.nodes.map((n) => n.id)).toEqual(['bbb-1', 'bbb-2', 'bbb-3']);
    expect(doc.nodes[0]).toEqual({ id: 'bbb-1', url: sim.nodes[0]!.baseUrl, fault: { mode: 'none' }, meetings: 0 });
    for (const n of sim.nodes) expect(list.body).not.toContain(n.secret);

    const set = await get(`${controlUrl}/nodes/bbb-2/fault`, {
      method: 'POST',
      body: JSON.stringify({ mode: 'http-500' }),
      contentType: 'application/json',
    });
    expect(set.status).toBe(200);
    expect((await call(sim.nodes[1]!, 'getMeetings')).status).toBe(500);
    const bad = await get(`${controlUrl}/nodes/bbb-2/fault`, {
      method: 'POST',
      body: '{"mode":"nope"}',
      contentType: 'application/json',
    });
    expect(bad.status).toBe(400);
    const missing = await get(`${controlUrl}/nodes/bbb-7/fault`, { method: 'POST', body: '{"mode":"none"}' });
    expect(missing.status).toBe(404);
  });

  it('starts recording a joined record=true meeting through the control API (the moderator button)', async () => {
    const node = sim.nodes[0]!;
    await call(node, 'create', { name: 'Rec', meetingID: 'rec-ctl', record: 'true' });
    const post = (meetingID: string, body: string) =>
      get(`${controlUrl}/nodes/bbb-1/meetings/${meetingID}/recording`, {
        method: 'POST',
        body,
        contentType: 'application/json',
      });
    expect((await post('rec-ctl', '{"recording":true}')).status).toBe(409); // nobody joined yet
    const join = await call(node, 'join', { fullName: 'Ada', meetingID: 'rec-ctl', role: 'MODERATOR' });
    await get(String(join.headers.location));
    expect((await post('rec-ctl', '{"recording":"yes"}')).status).toBe(400);
    expect((await post('rec-ctl', '{"recording":true}')).status).toBe(200);
    expect(node.meetings()[0]).toMatchObject({ recording: true, recordingMarks: true });
    expect((await post('no-such-meeting', '{"recording":true}')).status).toBe(409);
  });
});

describe('BbbSim options', () => {
  it('uses the given secrets, id prefix and base port', async () => {
    const port = await freePort();
    const sim = await BbbSim.start({ nodes: 1, basePort: port, secrets: ['s3cret'], idPrefix: 'demo' });
    try {
      expect(sim.nodes[0]).toMatchObject({ id: 'demo-1', secret: 's3cret', port });
      expect(xml((await call(sim.nodes[0]!, 'getMeetings')).body).returncode).toBe('SUCCESS');
    } finally {
      await sim.stop();
    }
  });

  it('refuses too few secrets and a non-positive node count', async () => {
    await expect(BbbSim.start({ nodes: 2, secrets: ['one'] })).rejects.toThrow(/secrets/);
    await expect(BbbSim.start({ nodes: 0 })).rejects.toThrow(/positive/);
  });
});
