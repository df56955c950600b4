import { createHmac, timingSafeEqual } from 'node:crypto';

export type JwtCheck = { ok: true; moderator: boolean; name: string } | { ok: false; reason: string };

/**
 * What Jitsi's token authentication checks, in small: HS256 signature with the
 * app secret, `iss`, `nbf`/`exp`, and a `room` claim naming this room (or `*`).
 */
export function checkJitsiJwt(
  token: string,
  room: string,
  appId: string,
  appSecret: string,
  nowMs = Date.now(),
): JwtCheck {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed token' };
  const [h, p, sig] = parts as [string, string, string];
  const expected = createHmac('sha256', appSecret).update(`${h}.${p}`).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad signature' };
  let header: { alg?: unknown };
  let claims: {
    iss?: unknown;
    room?: unknown;
    exp?: unknown;
    nbf?: unknown;
    context?: { user?: { moderator?: unknown; name?: unknown } };
  };
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as typeof header;
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return { ok: false, reason: 'malformed token' };
  }
  if (header.alg !== 'HS256') return { ok: false, reason: 'not HS256' };
  const nowS = nowMs / 1000;
  if (claims.iss !== appId) return { ok: false, reason: 'wrong issuer' };
  if (typeof claims.exp !== 'number' || claims.exp < nowS) return { ok: false, reason: 'expired' };
  if (typeof claims.nbf === 'number' && claims.nbf > nowS) return { ok: false, reason: 'not yet valid' };
  if (claims.room !== '*' && claims.room !== room) return { ok: false, reason: 'token is for another room' };
  const user = claims.context?.user;
  return { ok: true, moderator: user?.moderator === true, name: typeof user?.name === 'string' ? user.name : '' };
}
