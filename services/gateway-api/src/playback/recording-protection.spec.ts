import type { GatewayConfig } from '../config.js';
import { PlaybackTokens } from './playback-tokens.js';
import { RecordingProtection } from './recording-protection.js';

const tokens = (over: Partial<GatewayConfig> = {}) =>
  new PlaybackTokens({
    RECORDINGS_PROTECTED: false,
    RECORDINGS_PLAYBACK_SECRET: 's'.repeat(32),
    RECORDINGS_PLAYBACK_LINK_TTL_S: 600,
    RECORDINGS_PLAYBACK_SESSION_TTL_S: 3600,
    ...over,
  } as GatewayConfig);
/** Tenants and their choice: `on` protected, `off` not, `unset` as RECORDINGS_PROTECTED; others unknown. */
const CHOICES: Record<string, boolean | null> = { on: true, off: false, unset: null };
const choiceOf = (tenant: string) => CHOICES[tenant];
const rec = (tenant: string, n = 1) => ({ recordId: `${String(n).repeat(40)}-1`, tenant });
const tokenOf = (query: string) => new URLSearchParams(query.slice(1)).get('token') ?? undefined;
const now = 1_700_000_000_000;

describe('which recordings are protected (decision 116)', () => {
  it("follows the tenant's choice, else RECORDINGS_PROTECTED", () => {
    const off = new RecordingProtection(tokens(), choiceOf);
    const on = new RecordingProtection(tokens({ RECORDINGS_PROTECTED: true }), choiceOf);
    expect(['on', 'off', 'unset', 'gone'].map((t) => [t, off.of(t), on.of(t)])).toEqual([
      ['on', true, true],
      ['off', false, false],
      ['unset', false, true],
      ['gone', false, true],
    ]);
  });

  it("puts a link token on a protected tenant's links only", () => {
    const p = new RecordingProtection(tokens(), choiceOf);
    expect(p.linkQuery(rec('on'), now)).toMatch(/^\?token=\d+\.[A-Za-z0-9_-]{43}$/);
    expect(p.linkQuery(rec('off'), now)).toBe('');
    expect(p.linkQuery(rec('unset'), now)).toBe('');
  });

  it('opens an open recording to anyone, a protected one by its link (a new session) or its session only', () => {
    const t = tokens();
    const p = new RecordingProtection(t, choiceOf);
    expect(p.grant(rec('off'), {}, now)).toEqual({ allowed: true, protected: false });
    expect(p.grant(rec('on'), {}, now)).toEqual({ allowed: false });
    const link = tokenOf(p.linkQuery(rec('on'), now));
    const byLink = p.grant(rec('on'), { linkToken: link }, now);
    expect(byLink).toMatchObject({ allowed: true, protected: true, session: expect.stringMatching(/^\d+\./) });
    const session = (byLink as { session: string }).session;
    expect(p.grant(rec('on'), { sessionToken: session }, now + 1000)).toEqual({ allowed: true, protected: true });
    // Bound to its recording and its kind.
    expect(p.grant(rec('on', 2), { linkToken: link, sessionToken: session }, now)).toEqual({ allowed: false });
    expect(p.grant(rec('on'), { sessionToken: link }, now)).toEqual({ allowed: false });
    expect(p.grant(rec('on'), { linkToken: session }, now)).toEqual({ allowed: false });
  });

  it('keeps a protected tenant closed on a gateway without the secret, and says so once', () => {
    const told: string[] = [];
    const p = new RecordingProtection(tokens({ RECORDINGS_PLAYBACK_SECRET: undefined }), choiceOf, (t) => told.push(t));
    expect(p.linkQuery(rec('on'), now)).toBe('');
    expect(p.grant(rec('on'), {}, now)).toEqual({ allowed: false });
    expect(p.grant(rec('on'), { linkToken: `${now}.${'A'.repeat(43)}` }, now)).toEqual({ allowed: false });
    expect(p.grant(rec('off'), {}, now)).toEqual({ allowed: true, protected: false });
    expect(told).toEqual(['on']);
  });
});
