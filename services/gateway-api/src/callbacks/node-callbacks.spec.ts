import { analyticsCallback, endCallback, meetingEndedCallback, withQuery } from './node-callbacks.js';
import type { CallbackTarget } from './callback-token.js';

const target = (over: Partial<CallbackTarget> = {}): CallbackTarget => ({
  source: 'end-callback',
  tenant: 'uni',
  meetingID: 'lecture 1',
  url: 'https://lms.example/end?course=7',
  nonce: 'n0nce',
  ...over,
});

describe("what a node's callback becomes for the integration", () => {
  it('meta_endCallbackUrl: a GET with recordingmarks and the meetingID the integration sent, once per meeting', () => {
    const cb = endCallback(target(), true, 1000);
    expect(cb).toEqual({
      id: 'meeting-ended:end-callback:n0nce',
      kind: 'meeting-ended',
      method: 'GET',
      url: 'https://lms.example/end?course=7&recordingmarks=true&meetingID=lecture%201',
      enqueuedAt: 1000,
      tenant: 'uni',
      meetingId: 'lecture 1',
    });
  });

  it('meetingEndedURL: a GET of the URL as given', () => {
    expect(meetingEndedCallback(target({ source: 'meeting-ended', url: 'https://lb.example/x?y=%20' }))).toMatchObject({
      id: 'meeting-ended:meeting-ended:n0nce',
      method: 'GET',
      url: 'https://lb.example/x?y=%20',
    });
  });

  it("analytics: the node's body with the integration's meetingID and URLs, signed at delivery", () => {
    const payload = {
      version: '1.0',
      meeting_id: 'uni~lecture 1',
      internal_meeting_id: `${'a'.repeat(40)}-1700000000000`,
      data: { metadata: { ensemble_recording_ready_url: 'sealed', course: 'CS' }, attendees: [{ name: 'Ada' }] },
    };
    const cb = analyticsCallback(target({ source: 'analytics', url: 'https://lms.example/a' }), payload, (v) =>
      v === 'sealed' ? 'https://lms.example/ready' : v,
    );
    expect(cb).toMatchObject({
      id: `analytics:${'a'.repeat(40)}-1700000000000`,
      kind: 'analytics',
      url: 'https://lms.example/a',
      contentType: 'application/json',
      signing: { as: 'analytics' },
      tenant: 'uni',
    });
    expect(JSON.parse(cb.body!)).toEqual({
      ...payload,
      meeting_id: 'lecture 1',
      data: {
        metadata: { bbb_recording_ready_url: 'https://lms.example/ready', course: 'CS' },
        attendees: [{ name: 'Ada' }],
      },
    });
  });

  it("append parameters to the integration's query as it wrote it, before a fragment", () => {
    const p: Array<[string, string]> = [['a', '1']];
    expect(withQuery('https://h/p', p)).toBe('https://h/p?a=1');
    expect(withQuery('https://h/p?', p)).toBe('https://h/p?a=1');
    expect(withQuery('https://h/p?x=%2F+y', p)).toBe('https://h/p?x=%2F+y&a=1');
    expect(withQuery('https://h/p?x=1#top', p)).toBe('https://h/p?x=1&a=1#top');
  });
});
