import { DomainError, noControlChars } from '@ensemble/contracts';

/** Defined once in contracts (the fleet's holdings name record ids too). */
export { formatSchema, recordIdSchema } from '@ensemble/contracts';

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
