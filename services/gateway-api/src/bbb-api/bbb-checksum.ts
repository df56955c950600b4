import { verifyCallChecksum, type ChecksumAlgorithm } from '@ensemble/shared';

export type ChecksumCheck = 'ok' | 'missing' | 'mismatch';

/**
 * Checks an incoming call as BBB does (`verifyCallChecksum`): one checksum, never
 * empty, digest chosen by its length among the accepted ones, compared in constant
 * time against every accepted secret.
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
  return verifyCallChecksum(call, rawQuery, rawForm, given[0]!.trim(), secrets, algorithms) ? 'ok' : 'mismatch';
}
