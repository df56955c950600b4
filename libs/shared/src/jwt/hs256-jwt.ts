import { createHmac } from 'node:crypto';

const b64url = (data: string) => Buffer.from(data).toString('base64url');
const DIGEST = { HS256: 'sha256', HS512: 'sha512' } as const;

/** A compact JWS (HS256 or HS512) of `payload`. */
export function hmacJwt(
  payload: object,
  secret: string,
  alg: keyof typeof DIGEST,
  header: object = { typ: 'JWT' },
): string {
  const signingInput = `${b64url(JSON.stringify({ alg, ...header }))}.${b64url(JSON.stringify(payload))}`;
  return `${signingInput}.${createHmac(DIGEST[alg], secret).update(signingInput).digest('base64url')}`;
}

/** A compact JWS (HS256) of `payload`: what Jitsi token auth and BBB's callbacks verify. */
export function hs256Jwt(payload: object, secret: string, header: object = { alg: 'HS256', typ: 'JWT' }): string {
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}
