import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'ens_session';

/** The session token from the Cookie header, if any. */
export function sessionTokenOf(req: FastifyRequest): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/** HttpOnly, SameSite=Lax, Secure when the public URL is https; a max age of 0 clears it. */
export function setSessionCookie(reply: FastifyReply, token: string, maxAgeS: number, secure: boolean): void {
  const attrs = [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${maxAgeS}`,
    ...(secure ? ['Secure'] : []),
  ];
  void reply.header('set-cookie', attrs.join('; '));
}
