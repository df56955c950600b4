import { jwtVerify } from 'jose';
import type { CallbacksPage } from '@ensemble/contracts';
import { CallbackReceiver, waitFor } from '@ensemble/testing';
import { API_SECRET, BbbApiHarness } from './bbb-api.test-support.js';
import { buildCli, runCliOk } from './cli.test-support.js';

const OPS_TOKEN = 'callbacks-ops-token-0123456789';
const SLOW = 90_000;

/**
 * meta_endCallbackUrl, meetingEndedURL and meta_analytics-callback-url through Ensemble
 * (decision 113): bbb-sim nodes call the gateway as BBB calls the integration, the gateway
 * delivers to a real local receiver, at least once, once per event, signed with the secret
 * the integration knows.
 */
describe('BBB callbacks through Ensemble', () => {
  const h = new BbbApiHarness();
  const receiver = new CallbackReceiver();
  const key = new TextEncoder().encode(API_SECRET);

  const ops = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${h.gateway.url}${path}`, { headers: { authorization: `Bearer ${OPS_TOKEN}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };
  /** Created, joined (the client opened), ended: through the gateway. */
  const meeting = async (meetingID: string, params: Array<[string, string]>) => {
    const created = await h.call('create', [['name', meetingID], ['meetingID', meetingID], ...params]);
    expect(created.xml.returncode).toBe('SUCCESS');
    const join = await h.call('join', [
      ['fullName', 'Ada'],
      ['meetingID', meetingID],
      ['role', 'MODERATOR'],
    ]);
    expect((await fetch(join.location!)).status).toBe(200);
    return created;
  };
  const end = async (meetingID: string) =>
    expect((await h.call('end', [['meetingID', meetingID]])).xml.returncode).toBe('SUCCESS');
  /** No further attempt comes: nothing pending or retrying. */
  const settled = async () => {
    const { counts } = await ops<CallbacksPage>('/api/ops/callbacks');
    return counts.pending === 0 && counts.retrying === 0;
  };

  beforeAll(async () => {
    await receiver.start();
    await h.start({
      nodes: 2,
      gatewayEnv: {
        OPS_TOKEN,
        CALLBACK_TOKEN_SECRET: 'callback-token-secret-of-the-tests-0123',
        CALLBACK_RETRY_FIRST_MS: '200',
        CALLBACK_RETRY_MAX_MS: '1000',
        CALLBACK_TIMEOUT_MS: '2000',
      },
    });
    await buildCli();
  }, SLOW);
  afterAll(async () => {
    await h.stop();
    await receiver.stop();
  });

  it(
    'delivers each callback to a receiver failing its first three calls exactly once more, as BBB sends it',
    async () => {
      const endUrl = `${receiver.script('/end', [500, 500, 'cut'])}?course=7&sig=lms-own-token`;
      const endedUrl = receiver.script('/ended', [503, 500, 500]);
      const analyticsUrl = receiver.script('/analytics', [500, 502, 500]);
      await meeting('lecture 1', [
        ['record', 'true'],
        ['autoStartRecording', 'true'],
        ['meta_endCallbackUrl', endUrl],
        ['meetingEndedURL', endedUrl],
        ['meta_analytics-callback-url', analyticsUrl],
        ['meta_course', 'CS101'],
      ]);
      // The node got Ensemble's URLs, which hide the integration's (and its token).
      const node = h.sim.node(h.nodeOf('lecture 1')!)!;
      const onNode = node.meetings().find((m) => m.meetingID === 'lecture 1')!.params;
      for (const [param, source] of [
        ['meta_endCallbackUrl', 'end-callback'],
        ['meetingEndedURL', 'meeting-ended'],
        ['meta_analytics-callback-url', 'analytics'],
      ] as const) {
        expect(onNode[param]).toMatch(
          new RegExp(`^${h.gateway.url}/bigbluebutton/callbacks/v1/${source}/v1\\.[A-Za-z0-9_-]+$`),
        );
      }
      expect(JSON.stringify(onNode)).not.toContain('lms-own-token');
      // The integration sees its own URLs.
      const info = await h.call('getMeetingInfo', [['meetingID', 'lecture 1']]);
      expect(info.xml.metadata).toMatchObject({ endcallbackurl: endUrl, 'analytics-callback-url': analyticsUrl });

      await end('lecture 1');
      await waitFor(
        'three failures and one delivery each',
        async () =>
          receiver.at('/end').length === 4 &&
          receiver.at('/ended').length === 4 &&
          receiver.at('/analytics').length === 4 &&
          (await settled()),
        { timeoutMs: 30_000 },
      );
      // BBB's CallbackUrlService calls each meeting-ended URL twice (its redirect check, then
      // the call): Ensemble got both, and delivered one.
      await node.callbacksSettled();
      expect(
        node
          .callbacksMade()
          .filter((c) => c.callback === 'end-callback')
          .map((c) => c.answered),
      ).toEqual([200, 200]);
      await new Promise((r) => setTimeout(r, 1500));
      expect(receiver.at('/end').map((r) => r.answered)).toEqual([500, 500, 'cut', 200]);
      expect(receiver.at('/ended').map((r) => r.answered)).toEqual([503, 500, 500, 200]);
      expect(receiver.at('/analytics').map((r) => r.answered)).toEqual([500, 502, 500, 200]);

      for (const r of receiver.at('/end')) {
        expect(r).toMatchObject({
          method: 'GET',
          query: 'course=7&sig=lms-own-token&recordingmarks=true&meetingID=lecture%201',
          body: '',
        });
      }
      for (const r of receiver.at('/ended')) expect(r).toMatchObject({ method: 'GET', query: '', body: '' });
      const analytics = receiver.at('/analytics')[3]!;
      expect(analytics).toMatchObject({ method: 'POST', contentType: 'application/json' });
      const { payload, protectedHeader } = await jwtVerify(analytics.authorization.replace(/^Bearer /, ''), key);
      expect(protectedHeader.alg).toBe('HS512');
      expect(payload.exp).toBeGreaterThan(Date.now() / 1000 + 86_000);
      const body = JSON.parse(analytics.body) as {
        meeting_id: string;
        internal_meeting_id: string;
        data: { metadata: Record<string, string> };
      };
      expect(body.meeting_id).toBe('lecture 1');
      expect(body.internal_meeting_id).toBe(info.xml.internalMeetingID);
      // Its metadata as the integration wrote it, not Ensemble's URLs.
      expect(body.data.metadata).toMatchObject({
        course: 'CS101',
        endcallbackurl: endUrl,
        analytics_callback_url: analyticsUrl,
      });
      // URLs carry the integration's tokens: logs name hosts only.
      expect(h.logs.join('\n')).not.toContain('lms-own-token');
    },
    SLOW,
  );

  it(
    'calls back for a meeting re-created on another node after its node died',
    async () => {
      const url = receiver.script('/moved', []);
      await meeting('moved', [['meta_endCallbackUrl', url]]);
      const first = h.nodeOf('moved')!;
      await h.sim.node(first)!.setFault({ mode: 'down' });
      await h.sample(first, { reachable: false, error: 'connection refused' });
      try {
        const join = await h.call('join', [
          ['fullName', 'Bo'],
          ['meetingID', 'moved'],
          ['role', 'VIEWER'],
        ]);
        expect(join.status).toBe(302);
        // The dead node still holds its copy: the meeting now runs on the other one.
        const second = h.sim.nodes.find((n) => n.id !== first && n.meetings().some((m) => m.meetingID === 'moved'));
        expect(second).toBeDefined();
        await end('moved');
        await waitFor('called back', async () => receiver.at('/moved').length === 1 && (await settled()));
        expect(receiver.at('/moved')[0]).toMatchObject({
          method: 'GET',
          query: 'recordingmarks=false&meetingID=moved',
        });
      } finally {
        await h.sim.node(first)!.setFault({ mode: 'none' });
        await h.sample(first);
      }
    },
    SLOW,
  );

  it(
    'shows operators a failing callback (ops API and `ensemble callbacks`), without its path or query',
    async () => {
      const url = receiver.script(
        '/down',
        Array.from({ length: 50 }, () => 503),
      );
      await meeting('failing', [['meetingEndedURL', `${url}?lms-token=hidden`]]);
      await end('failing');
      await waitFor('retrying', async () =>
        (await ops<CallbacksPage>('/api/ops/callbacks?state=retrying')).callbacks.some(
          (c) => c.meetingId === 'failing',
        ),
      );
      const page = await ops<CallbacksPage>('/api/ops/callbacks?state=retrying&kind=meeting-ended');
      const shown = page.callbacks.find((c) => c.meetingId === 'failing')!;
      expect(shown).toMatchObject({
        kind: 'meeting-ended',
        tenant: 'default',
        host: new URL(url).host,
        state: 'retrying',
        lastError: 'http 503',
      });
      expect(page.counts.retrying).toBeGreaterThanOrEqual(1);
      expect(JSON.stringify(page)).not.toContain('hidden');
      expect(JSON.stringify(page)).not.toContain('/down');

      const listed = await runCliOk(['callbacks', '--state', 'retrying'], { url: h.gateway.url, token: OPS_TOKEN });
      const lines = listed.split('\n');
      expect(lines[0]).toMatch(
        /^ID\s+KIND\s+TENANT\s+MEETING\s+HOST\s+STATE\s+ATTEMPTS\s+LAST ERROR\s+ENQUEUED\s+NEXT$/,
      );
      expect(listed).toMatch(
        new RegExp(`meeting-ended\\s+default\\s+failing\\s+${new URL(url).host}\\s+retrying\\s+\\d+\\s+http 503`),
      );
      expect(listed).toMatch(/\d+ pending, \d+ retrying, \d+ dead, \d+ dropped/);
      expect(listed).not.toContain('hidden');
      const unauthorized = await fetch(`${h.gateway.url}/api/ops/callbacks`);
      expect(unauthorized.status).toBe(401);
    },
    SLOW,
  );

  it('refuses a token it did not seal, or one sealed for another receiver, and queues nothing', async () => {
    const url = receiver.script('/never', []);
    await meeting('tampered', [['meta_endCallbackUrl', url]]);
    const node = h.sim.node(h.nodeOf('tampered')!)!;
    const own = node.meetings().find((m) => m.meetingID === 'tampered')!.params['meta_endCallbackUrl']!;
    const before = (await ops<CallbacksPage>('/api/ops/callbacks')).callbacks.length;
    const token = own.split('/').at(-1)!;
    const flipped = `${token.slice(0, 30)}${token[30] === 'A' ? 'B' : 'A'}${token.slice(31)}`;
    const base = `${h.gateway.url}/bigbluebutton/callbacks/v1`;
    expect((await fetch(`${base}/end-callback/${flipped}?meetingID=tampered`)).status).toBe(401);
    expect((await fetch(`${base}/meeting-ended/${token}`)).status).toBe(401);
    expect((await fetch(`${base}/analytics/${token}`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await fetch(`${base}/recording-ready/${token}`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${base}/end-callback/v1.${'A'.repeat(60)}`)).status).toBe(401);
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.at('/never')).toEqual([]);
    expect((await ops<CallbacksPage>('/api/ops/callbacks')).callbacks.length).toBe(before);
    await h.call('end', [['meetingID', 'tampered']]);
  });
});
