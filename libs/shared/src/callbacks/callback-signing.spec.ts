import { jwtVerify } from 'jose';
import { outboundCallbackSchema } from '@ensemble/contracts';
import { callbackRequest } from './callback-signing.js';

const key = (s: string) => new TextEncoder().encode(s);
const stored = (over: object) =>
  outboundCallbackSchema.parse({ id: 'x', kind: 'meeting-ended', url: 'https://h/', enqueuedAt: 0, ...over });

describe('a callback signed as BBB signs it', () => {
  it("recording-ready: a form POST of signed_parameters, HS256 of meeting_id and record_id with the tenant's secret", async () => {
    const cb = stored({ kind: 'recording-ready', signing: { as: 'recording-ready', meetingId: 'm', recordId: 'r' } });
    const req = callbackRequest(cb, 'tenant-secret');
    expect(req).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const jwt = new URLSearchParams(req.body).get('signed_parameters')!;
    const { payload, protectedHeader } = await jwtVerify(jwt, key('tenant-secret'));
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toEqual({ meeting_id: 'm', record_id: 'r' });
  });

  it('analytics: the JSON body with a Bearer HS512 token valid for a day from the attempt', async () => {
    const cb = stored({ kind: 'analytics', body: '{"version":"1.0"}', signing: { as: 'analytics' } });
    const now = Date.now();
    const req = callbackRequest(cb, 'tenant-secret', now);
    expect(req).toMatchObject({
      method: 'POST',
      body: '{"version":"1.0"}',
      headers: { 'content-type': 'application/json' },
    });
    const token = req.headers.authorization!.replace(/^Bearer /, '');
    const { payload, protectedHeader } = await jwtVerify(token, key('tenant-secret'));
    expect(protectedHeader).toEqual({ alg: 'HS512', typ: 'JWT' });
    expect(payload).toEqual({ exp: Math.floor(now / 1000) + 86_400 });
  });

  it('meeting-ended: a GET, nothing signed', () => {
    expect(callbackRequest(stored({ method: 'GET' }), 'tenant-secret')).toEqual({
      method: 'GET',
      headers: { 'user-agent': 'Ensemble callbacks' },
    });
  });

  it('refuses to sign without a secret', () => {
    expect(() => callbackRequest(stored({ signing: { as: 'analytics' } }), undefined)).toThrow(/needs a secret/);
  });
});
