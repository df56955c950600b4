import { jwtVerify } from 'jose';
import { CallbackReceiver, waitFor } from '@ensemble/testing';
import { call, get } from './http.test-support.js';
import { SimNode } from './sim-node.js';

/** The callbacks a sim node makes when a meeting ends, as bbb-web and post_events make them. */
describe('a sim node calling back when a meeting ends', () => {
  const receiver = new CallbackReceiver();
  let node: SimNode;

  beforeAll(async () => {
    await receiver.start();
    node = await new SimNode({
      id: 'cb-1',
      secret: 'node-secret-0123456789',
      callbacks: { retryDelaysMs: [100, 100, 100, 100] },
    }).start();
  });
  afterAll(async () => {
    await node.stop();
    await receiver.stop();
  });

  const meeting = async (meetingID: string, params: Record<string, string>) => {
    expect((await call(node, 'create', { meetingID, name: meetingID, ...params })).status).toBe(200);
    const joined = await call(node, 'join', { meetingID, fullName: 'Ada', role: 'MODERATOR' });
    await get(String(joined.headers.location));
    await call(node, 'end', { meetingID });
  };

  it('GETs meta_endCallbackUrl with recordingmarks and meetingID added, and meetingEndedURL as given, each twice', async () => {
    const end = receiver.script('/end', []);
    const ended = receiver.script('/ended', []);
    await meeting('cb one', { meta_endCallbackUrl: `${end}?course=7`, meetingEndedURL: `${ended}?k=v` });
    await waitFor('the callbacks', () => receiver.at('/end').length === 2 && receiver.at('/ended').length === 2);
    // CallbackUrlService's redirect check, then its call: every end callback arrives twice.
    for (const r of receiver.at('/end')) {
      expect(r).toMatchObject({ method: 'GET', query: 'course=7&recordingmarks=false&meetingID=cb+one', body: '' });
    }
    for (const r of receiver.at('/ended')) expect(r).toMatchObject({ method: 'GET', query: 'k=v' });
  });

  it('tries a failing meeting-ended callback again later, and stops after the fifth attempt', async () => {
    const url = receiver.script('/flaky', [500, 503]);
    const down = receiver.script('/down', [500, 500, 500, 500, 500, 500]);
    await meeting('cb-two', { meetingEndedURL: url, meta_endcallbackurl: down });
    await waitFor('retried', () => receiver.at('/flaky').length === 4);
    expect(receiver.at('/flaky').map((r) => r.answered)).toEqual([500, 503, 200, 200]);
    await waitFor('given up', () => receiver.at('/down').length === 5);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.at('/down')).toHaveLength(5);
  });

  it("POSTs the analytics of a recorded meeting, with a Bearer token signed with the node's secret", async () => {
    const url = receiver.script('/analytics', []);
    const before = Math.floor(Date.now() / 1000);
    await meeting('cb-three', {
      record: 'true',
      'meta_analytics-callback-url': url,
      meta_gl_private: 'x',
      meta_course: 'CS',
    });
    await waitFor('posted', () => receiver.at('/analytics').length === 1);
    const r = receiver.at('/analytics')[0]!;
    expect(r).toMatchObject({
      method: 'POST',
      contentType: 'application/json',
      userAgent: 'BigBlueButton Analytics Callback',
    });
    const token = r.authorization.replace(/^Bearer /, '');
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode('node-secret-0123456789'));
    expect(protectedHeader.alg).toBe('HS512');
    expect(payload.exp).toBeGreaterThanOrEqual(before + 86_400);
    const body = JSON.parse(r.body) as {
      version: string;
      meeting_id: string;
      internal_meeting_id: string;
      data: { metadata: Record<string, string>; attendees: unknown[] };
    };
    expect(body).toMatchObject({ version: '1.0', meeting_id: 'cb-three' });
    expect(body.internal_meeting_id).toMatch(/^[0-9a-f]{40}-\d{13}$/);
    expect(body.data.metadata).toMatchObject({ course: 'CS', analytics_callback_url: url });
    expect(body.data.metadata).not.toHaveProperty('gl_private');
    expect(body.data.attendees).toEqual([expect.objectContaining({ name: 'Ada', moderator: true })]);
  });

  it('sends no analytics for a meeting whose events were not kept', async () => {
    const url = receiver.script('/no-analytics', []);
    await meeting('cb-four', { 'meta_analytics-callback-url': url });
    await node.callbacksSettled();
    expect(receiver.at('/no-analytics')).toEqual([]);
  });
});
