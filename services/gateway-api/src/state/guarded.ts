import { DomainError, isDomainError } from '@ensemble/shared';

/** Redis trouble becomes `unavailable` (503 + Retry-After at the HTTP edge), never a crash. */
export async function guarded<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isDomainError(e)) throw e;
    throw new DomainError('unavailable', `state store unavailable (${what})`);
  }
}
