import { verifiedCallParams, type ChecksumAlgorithm } from '@ensemble/shared';
import { BbbParams } from './bbb-params.js';

/**
 * The verdict on an incoming call's checksum. `params` are the parameters the
 * verified checksum covers, the only ones a call may use or forward; a failed
 * check has none (a join error then redirects to PUBLIC_URL or the origin, never
 * to an unsigned `logoutURL`).
 */
export interface ChecksumCheck {
  result: 'ok' | 'missing' | 'mismatch';
  params: BbbParams;
}

/**
 * Checks an incoming call as BBB does (`verifiedCallParams`): one checksum, never
 * empty, digest chosen by its length among the accepted ones, compared in constant
 * time against every accepted secret, and covering everything sent.
 */
export function checkBbbChecksum(
  call: string,
  rawQuery: string,
  rawForm: string,
  secrets: readonly string[],
  algorithms: readonly ChecksumAlgorithm[],
): ChecksumCheck {
  const none = BbbParams.of([]);
  const given = [...new URLSearchParams(rawQuery), ...new URLSearchParams(rawForm)]
    .filter(([k]) => k === 'checksum')
    .map(([, v]) => v);
  if (given.length === 0 || given[0]!.trim() === '') return { result: 'missing', params: none };
  if (given.length > 1 || secrets.length === 0) return { result: 'mismatch', params: none };
  const covered = verifiedCallParams(call, rawQuery, rawForm, given[0]!.trim(), secrets, algorithms);
  return covered ? { result: 'ok', params: BbbParams.of(covered) } : { result: 'mismatch', params: none };
}
