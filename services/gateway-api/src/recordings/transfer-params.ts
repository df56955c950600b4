import { DomainError, noControlChars } from '@ensemble/contracts';
import { z } from 'zod';

/** BBB's record IDs are `<sha1 of the meeting ID>-<ms>`; anything else a node sends is refused. */
export const recordIdSchema = z.string().regex(/^[0-9a-f]{40}-\d{10,16}$/, 'recordId: <40 hex>-<milliseconds>');
/** BBB's playback formats (presentation, video, podcast, notes, screenshare, ...). */
export const formatSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'format: a-z 0-9 _ -');

/** `Content-Digest: sha-256=:<base64>:` (RFC 9530) -> hex; other algorithms listed beside it are ignored. */
export function sha256OfContentDigest(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  const m = /(?:^|,)\s*sha-256=:([A-Za-z0-9+/]{43}=):\s*(?:,|$)/.exec(value);
  if (!m) throw new DomainError('invalid-input', 'Content-Digest: expected sha-256=:<base64>:');
  return Buffer.from(m[1]!, 'base64').toString('hex');
}

/** `Authorization: Bearer <token>`, or a 401. */
export function bearerOf(header: string | undefined): string {
  const m = /^Bearer ([A-Za-z0-9_-]{32,128})$/.exec(header ?? '');
  if (!m) throw new DomainError('unauthorized', 'a node upload token is required');
  return m[1]!;
}

/** A path inside the archive, relative to `<record id>/`, safe as an object key suffix; else a 400. */
export function safeEntryPath(name: string, recordId: string): string | null {
  const trimmed = name.replace(/\/+$/, '');
  if (trimmed === recordId || trimmed === '.' || trimmed === `./${recordId}`) return null; // the top directory
  const rel = trimmed.startsWith(`${recordId}/`)
    ? trimmed.slice(recordId.length + 1)
    : trimmed.startsWith(`./${recordId}/`)
      ? trimmed.slice(recordId.length + 3)
      : undefined;
  const segments = rel?.split('/') ?? [];
  if (
    rel === undefined ||
    rel.length > 900 ||
    segments.some((s) => s === '' || s === '.' || s === '..') ||
    rel.includes('\\') ||
    !noControlChars(rel)
  )
    throw new DomainError(
      'invalid-input',
      `archive: ${JSON.stringify(name.slice(0, 200))} is not a path under ${recordId}/`,
    );
  return rel;
}
