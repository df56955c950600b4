import type { GatewayConfig } from '../config.js';
import { PlaybackTokens } from './playback-tokens.js';
import { RecordingProtection } from './recording-protection.js';
import { isProtected, listedOnJoinPage, needsOwnerSignedIn, type RoomVisibility } from './recording-visibility.js';

const STATES: RoomVisibility[] = ['public', 'unlisted', 'protected', 'private', null];
const now = 1_700_000_000_000;
const tokens = new PlaybackTokens({
  RECORDINGS_PROTECTED: false,
  RECORDINGS_PLAYBACK_SECRET: 's'.repeat(32),
  RECORDINGS_PLAYBACK_LINK_TTL_S: 600,
  RECORDINGS_PLAYBACK_SESSION_TTL_S: 3600,
} as GatewayConfig);
/** Tenant `on` protects its recordings, `off` does not. */
const protection = new RecordingProtection(tokens, (t) => t === 'on');
const rec = (tenant: string, roomVisibility: RoomVisibility) => ({
  recordId: `${'a'.repeat(40)}-1`,
  tenant,
  roomVisibility,
});
const tokenOf = (query: string) => new URLSearchParams(query.slice(1)).get('token') ?? undefined;

describe("a room's recording visibility (decision 125)", () => {
  it('lists only a public room’s recordings on its join page, and asks a signed-in owner only for a private one', () => {
    expect(STATES.map((v) => [v, listedOnJoinPage(v), needsOwnerSignedIn(v)])).toEqual([
      ['public', true, false],
      ['unlisted', false, false],
      ['protected', false, false],
      ['private', false, true],
      [null, false, false],
    ]);
  });

  it('protects a recording when its room is protected or private, or when its tenant protects its own', () => {
    expect(STATES.map((v) => [v, isProtected(v, false), isProtected(v, true)])).toEqual([
      ['public', false, true],
      ['unlisted', false, true],
      ['protected', true, true],
      ['private', true, true],
      // Not a web room's (a BBB API integration's): its tenant alone decides, as before.
      [null, false, true],
    ]);
  });

  it('puts a link token on exactly the links whose opening asks for one', () => {
    for (const v of STATES) {
      for (const tenant of ['on', 'off']) {
        const r = rec(tenant, v);
        const query = protection.linkQuery(r, now);
        const asks = !protection.grant(r, {}, now).allowed;
        expect([v, tenant, query !== '']).toEqual([v, tenant, asks]);
        // The link handed out opens it.
        expect(protection.grant(r, { linkToken: tokenOf(query) }, now).allowed).toBe(true);
      }
    }
  });

  it('refuses a protected room’s recording without a token, and opens it by the link the owners get', () => {
    const r = rec('off', 'protected');
    expect(protection.grant(r, {}, now)).toEqual({ allowed: false });
    expect(protection.grant(rec('off', 'unlisted'), {}, now)).toEqual({ allowed: true, protected: false });
    const opened = protection.grant(r, { linkToken: tokenOf(protection.linkQuery(r, now)) }, now);
    expect(opened).toMatchObject({ allowed: true, protected: true, session: expect.stringMatching(/^\d+\./) });
  });
});
