import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A node's recording upload token (decisions 101-102): issued by the scheduler when
 * Terraform brought none, 48 characters as Terraform's `random_password`.
 */
export const newRecordingToken = (): string => randomBytes(36).toString('base64url');

/** What is stored and sent over NATS instead of the token: its SHA-256, hex. */
export const recordingTokenSha256 = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Two SHA-256 hex strings compared in constant time. */
export function sameSha256(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a, 'hex'), Buffer.from(b, 'hex')];
  return x.length === 32 && y.length === 32 && timingSafeEqual(x, y);
}
