import type { GatewayConfig } from '../config.js';
import { PlaybackTokens } from './playback-tokens.js';

const config = (over: Partial<GatewayConfig>) =>
  ({
    RECORDINGS_PROTECTED: true,
    RECORDINGS_PLAYBACK_SECRET: 's'.repeat(32),
    RECORDINGS_PLAYBACK_LINK_TTL_S: 600,
    RECORDINGS_PLAYBACK_SESSION_TTL_S: 3600,
    ...over,
  }) as GatewayConfig;
const ID = `${'a'.repeat(40)}-1`;

describe('playback tokens of protected recordings', () => {
  const t = new PlaybackTokens(config({}));
  const now = 1_700_000_000_000;

  it('accepts a link token until it expires, for its recording and kind only', () => {
    const token = new URLSearchParams(t.query(ID, now).slice(1)).get('token')!;
    expect(t.valid('link', ID, token, now + 599_000)).toBe(true);
    expect(t.valid('link', ID, token, now + 600_000)).toBe(false);
    expect(t.valid('link', `${'b'.repeat(40)}-1`, token, now)).toBe(false);
    expect(t.valid('session', ID, token, now)).toBe(false);
    expect(
      t.valid(
        'link',
        ID,
        token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
        now,
      ),
    ).toBe(false);
  });

  it('rejects a token signed with another key', () => {
    const other = new PlaybackTokens(config({ RECORDINGS_PLAYBACK_SECRET: 'o'.repeat(32) }));
    expect(t.valid('session', ID, other.issue('session', ID, now, 60), now)).toBe(false);
  });

  it('signs with the secret even when recordings are not protected by default (a tenant may protect its own)', () => {
    const open = new PlaybackTokens(config({ RECORDINGS_PROTECTED: false }));
    expect(open.protectedByDefault).toBe(false);
    expect(open.canSign).toBe(true);
    const token = new URLSearchParams(open.query(ID, now).slice(1)).get('token')!;
    expect(open.valid('link', ID, token, now)).toBe(true);
    expect(t.valid('link', ID, token, now)).toBe(true);
  });

  it('without a secret, starts unprotected, makes no token and accepts none', () => {
    const none = new PlaybackTokens(config({ RECORDINGS_PROTECTED: false, RECORDINGS_PLAYBACK_SECRET: undefined }));
    expect(none.canSign).toBe(false);
    expect(none.query(ID, now)).toBe('');
    expect(none.valid('link', ID, new URLSearchParams(t.query(ID, now).slice(1)).get('token')!, now)).toBe(false);
    expect(() => none.issue('session', ID, now, 60)).toThrow('RECORDINGS_PLAYBACK_SECRET');
  });

  it('refuses to start protected without a secret', () => {
    expect(() => new PlaybackTokens(config({ RECORDINGS_PLAYBACK_SECRET: undefined }))).toThrow(
      'RECORDINGS_PLAYBACK_SECRET',
    );
  });
});
