import { CallbackTokens } from './callback-token.js';

const target = {
  source: 'end-callback' as const,
  tenant: 'uni',
  meetingID: 'lecture 1',
  url: 'https://lms.example/end?token=lms-secret',
};

describe('callback tokens', () => {
  const tokens = new CallbackTokens('a-callback-token-secret-of-32-characters!');

  it('open to what was sealed, with a nonce', () => {
    const opened = tokens.open(tokens.seal(target));
    expect(opened).toMatchObject(target);
    expect(opened!.nonce).toMatch(/^[A-Za-z0-9_-]{12}$/);
  });

  it("hide the integration's URL and are URL-safe", () => {
    const token = tokens.seal(target);
    expect(token).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(Buffer.from(token.slice(3), 'base64url').toString('latin1')).not.toContain('lms');
  });

  it('differ each time, even for the same target', () => {
    expect(tokens.seal(target)).not.toBe(tokens.seal(target));
  });

  it('do not open when a character changed, when cut, or under another key', () => {
    const token = tokens.seal(target);
    const at = 20;
    const changed = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
    expect(tokens.open(changed)).toBeUndefined();
    expect(tokens.open(token.slice(0, -4))).toBeUndefined();
    expect(tokens.open('v1.')).toBeUndefined();
    expect(tokens.open('not a token')).toBeUndefined();
    expect(new CallbackTokens('another-callback-token-secret-32-characters').open(token)).toBeUndefined();
  });
});
