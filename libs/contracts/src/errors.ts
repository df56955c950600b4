/**
 * The domain's error vocabulary. Every edge maps these codes once: HTTP status,
 * NATS reply `{ ok: false, error }`, BBB `FAILED` XML.
 */
export const ERROR_CODES = [
  'invalid-input',
  'not-found',
  'conflict',
  'no-capacity',
  'unauthorized',
  'forbidden',
  'unavailable',
  'payload-too-large',
  'internal',
  'rate-limited',
  /** An upload whose bytes do not match its declared Content-Digest (decision 102). */
  'digest-mismatch',
  /** A tenant's quota of concurrent meetings refuses a new meeting (decision 112). */
  'quota-meetings',
  /** A tenant's quota of concurrent participants refuses a join (decision 112). */
  'quota-participants',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const HTTP_STATUS: Record<ErrorCode, number> = {
  'invalid-input': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'payload-too-large': 413,
  'no-capacity': 503,
  unavailable: 503,
  internal: 500,
  'rate-limited': 429,
  'digest-mismatch': 400,
  // The caller's tenant may not have more now (not a server fault, nor a rate): 403.
  'quota-meetings': 403,
  'quota-participants': 403,
};

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }

  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;

const RELEARNING = 'where rooms run is being re-learned after a Redis loss: retry in a few seconds';

/**
 * The scheduler cannot place a room yet: after a Redis loss its meeting may be running on a
 * node whose list has not come in (docs/decisions/091). Retryable within seconds; an edge
 * may wait instead of failing (the web join answers `waiting`).
 */
export const relearningError = (): DomainError => new DomainError('unavailable', RELEARNING);
export const isRelearning = (e: unknown): boolean =>
  e instanceof DomainError && e.code === 'unavailable' && e.message === RELEARNING;
