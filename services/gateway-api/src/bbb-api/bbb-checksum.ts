import { verifyChecksum, type ChecksumAlgorithm } from '@ensemble/shared';

export type ChecksumCheck = 'ok' | 'missing' | 'mismatch';

const withoutChecksum = (raw: string): string =>
  raw
    .split('&')
    .filter((p) => p !== '' && !p.startsWith('checksum='))
    .join('&');

/** BBB's ValidationService.buildQueryStringFromParamsMap: sorted names, form-encoded. */
function sortedQuery(raw: string): string {
  const entries = [...new URLSearchParams(raw)].filter(([k]) => k !== 'checksum');
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const s = new URLSearchParams();
  for (const [k, v] of entries) s.append(k, v);
  return s.toString();
}

/**
 * Checks an incoming call as BBB does: digest(call + raw query without its
 * checksum + secret), digest chosen by the checksum's length among the
 * accepted ones, compared in constant time against every accepted secret.
 * The raw query is hashed byte for byte as sent (never re-encoded). A POST
 * without query is checked, like BBB, against its sorted parameters; form
 * bodies are also accepted appended to the query or alone (as bbb-sim does).
 */
export function checkBbbChecksum(
  call: string,
  rawQuery: string,
  rawForm: string,
  secrets: readonly string[],
  algorithms: readonly ChecksumAlgorithm[],
): ChecksumCheck {
  const given = [...new URLSearchParams(rawQuery), ...new URLSearchParams(rawForm)]
    .filter(([k]) => k === 'checksum')
    .map(([, v]) => v);
  if (given.length === 0 || given[0]!.trim() === '') return 'missing';
  if (given.length > 1 || secrets.length === 0) return 'mismatch';
  const checksum = given[0]!.trim();
  const query = withoutChecksum(rawQuery);
  const form = withoutChecksum(rawForm);
  const candidates = new Set<string>([query !== '' ? query : sortedQuery(`${rawQuery}&${rawForm}`)]);
  if (form !== '') {
    candidates.add(query === '' ? form : `${query}&${form}`);
    candidates.add(form);
  }
  let ok = false;
  for (const c of candidates) {
    const raw = c === '' ? `checksum=${checksum}` : `${c}&checksum=${checksum}`;
    // Every candidate is checked, so timing does not tell which one matched.
    if (verifyChecksum(call, raw, secrets, algorithms).ok) ok = true;
  }
  return ok ? 'ok' : 'mismatch';
}
