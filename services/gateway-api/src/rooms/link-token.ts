import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe (43 chars). Each link gets its own: neither derives from the other. */
export const newLinkToken = (): string => randomBytes(32).toString('base64url');

/** The lookup key of a token: a copy of the link index alone does not give working links. */
export const linkHash = (token: string): string => createHash('sha256').update(token).digest('hex');

export const isLinkToken = (s: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(s);
