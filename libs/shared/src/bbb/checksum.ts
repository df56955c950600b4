import { createHash, timingSafeEqual } from 'node:crypto';

/** BBB picks the digest by the checksum's length; so do we. */
export const CHECKSUM_ALGORITHMS = ['sha1', 'sha256', 'sha384', 'sha512'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

const HEX_LENGTH: Record<ChecksumAlgorithm, number> = {
  sha1: 40,
  sha256: 64,
  sha384: 96,
  sha512: 128,
};

export const algorithmForLength = (length: number): ChecksumAlgorithm | undefined =>
  CHECKSUM_ALGORITHMS.find((a) => HEX_LENGTH[a] === length);

/** checksum = hex(digest(callName + queryStringWithoutChecksum + secret)), as BBB computes it. */
export function bbbChecksum(
  call: string,
  query: string,
  secret: string,
  algorithm: ChecksumAlgorithm = 'sha256',
): string {
  return createHash(algorithm)
    .update(call + query + secret, 'utf8')
    .digest('hex');
}

/** The query string with its checksum appended, ready to put after `?`. */
export function signQuery(
  call: string,
  query: string,
  secret: string,
  algorithm: ChecksumAlgorithm = 'sha256',
): string {
  const checksum = bbbChecksum(call, query, secret, algorithm);
  return query === '' ? `checksum=${checksum}` : `${query}&checksum=${checksum}`;
}

/** Builds a signed BBB API URL: `<base>/api/<call>?<query>&checksum=...`. */
export function signedApiUrl(
  apiBase: string,
  call: string,
  params: Record<string, string | number | boolean | undefined>,
  secret: string,
  algorithm: ChecksumAlgorithm = 'sha256',
): string {
  const query = encodeQuery(params);
  const base = apiBase.endsWith('/') ? apiBase : `${apiBase}/`;
  return `${base}${call}?${signQuery(call, query, secret, algorithm)}`;
}

/** Form-style encoding as BBB's clients do it (spaces as `+`). */
export function encodeQuery(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) search.append(k, String(v));
  return search.toString();
}

export type ChecksumVerdict =
  | { ok: true; algorithm: ChecksumAlgorithm; query: string }
  | { ok: false; reason: 'missing' | 'duplicated' | 'malformed' | 'algorithm-not-allowed' | 'mismatch' };

/**
 * Verifies a raw query string (as received, checksum included) for `call`
 * against any of `secrets`. The checksum parameter is taken out of the raw
 * string itself, so the other parameters are hashed byte for byte as sent.
 */
export function verifyChecksum(
  call: string,
  rawQuery: string,
  secrets: readonly string[],
  allowed: readonly ChecksumAlgorithm[] = CHECKSUM_ALGORITHMS,
): ChecksumVerdict {
  const parts = rawQuery === '' ? [] : rawQuery.split('&');
  const checksumParts = parts.filter((p) => p.startsWith('checksum='));
  if (checksumParts.length === 0) return { ok: false, reason: 'missing' };
  if (checksumParts.length > 1) return { ok: false, reason: 'duplicated' };
  const given = checksumParts[0]!.slice('checksum='.length).toLowerCase();
  if (!/^[0-9a-f]+$/.test(given)) return { ok: false, reason: 'malformed' };
  const algorithm = algorithmForLength(given.length);
  if (!algorithm) return { ok: false, reason: 'malformed' };
  if (!allowed.includes(algorithm)) return { ok: false, reason: 'algorithm-not-allowed' };
  const query = parts.filter((p) => !p.startsWith('checksum=')).join('&');
  const givenBytes = Buffer.from(given, 'hex');
  let match = false;
  for (const secret of secrets) {
    const expected = Buffer.from(bbbChecksum(call, query, secret, algorithm), 'hex');
    // Check every secret so timing says nothing about which one matched.
    if (timingSafeEqual(expected, givenBytes)) match = true;
  }
  return match ? { ok: true, algorithm, query } : { ok: false, reason: 'mismatch' };
}

const withoutChecksum = (raw: string): string =>
  raw
    .split('&')
    .filter((p) => p !== '' && !p.startsWith('checksum='))
    .join('&');

/** BBB's ValidationService.buildQueryStringFromParamsMap: sorted names, form-encoded, checksum left out. */
function sortedQuery(raw: string): string {
  const entries = [...new URLSearchParams(raw)].filter(([k]) => k !== 'checksum');
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const s = new URLSearchParams();
  for (const [k, v] of entries) s.append(k, v);
  return s.toString();
}

/** One parameter of a call as received: name and decoded value. */
export type CallParam = readonly [string, string];

/**
 * Checks `checksum` of an incoming call as BBB does and answers the parameters it
 * covers, in the order sent (query first, then a form body; without `checksum` and
 * nameless ones), or undefined when it does not verify. A checksum is accepted only
 * over everything sent, so what it answers is every parameter of the call:
 * - the raw query without its checksum, hashed byte for byte as sent (no form body);
 * - a POST without query: its sorted parameters (BBB's rule), or its body as sent;
 * - a POST with both: the query followed by `&` and the body.
 * A checksum over the query alone while a body adds parameters, or over the body
 * alone while the query has some, covers only part of the call: refused, so an
 * unsigned parameter can never ride along with a signed URL. Every candidate is
 * checked, so timing does not tell which one matched.
 */
export function verifiedCallParams(
  call: string,
  rawQuery: string,
  rawForm: string,
  checksum: string,
  secrets: readonly string[],
  allowed: readonly ChecksumAlgorithm[] = CHECKSUM_ALGORITHMS,
): CallParam[] | undefined {
  const query = withoutChecksum(rawQuery);
  const form = withoutChecksum(rawForm);
  const candidates = new Set<string>();
  if (query !== '' && form !== '') candidates.add(`${query}&${form}`);
  else if (query !== '') candidates.add(query);
  else candidates.add(sortedQuery(rawForm)).add(form);
  let ok = false;
  for (const c of candidates) {
    const raw = c === '' ? `checksum=${checksum}` : `${c}&checksum=${checksum}`;
    if (verifyChecksum(call, raw, secrets, allowed).ok) ok = true;
  }
  if (!ok) return undefined;
  return [...new URLSearchParams(query), ...new URLSearchParams(form)].filter(([k]) => k !== '' && k !== 'checksum');
}

/** `verifiedCallParams` as a yes/no (bbb-sim). */
export const verifyCallChecksum = (...args: Parameters<typeof verifiedCallParams>): boolean =>
  verifiedCallParams(...args) !== undefined;
