/** When a failed callback is tried again, and when it is given up. */
export interface CallbackRetryPolicy {
  /** Wait after the first failure; doubled after each further one. */
  firstDelayMs: number;
  /** The longest wait between two attempts. */
  maxDelayMs: number;
  /** Attempts in all before the callback is dead. */
  maxAttempts: number;
  /** Age (since enqueue) after which a failure is the last. */
  maxAgeMs: number;
  /** One attempt's limit: connect, send, answer. */
  attemptTimeoutMs: number;
}

/**
 * The wait before attempt `attempt + 1` after attempt `attempt` failed, or undefined
 * when it was the last one (too many attempts or too old).
 */
export function retryDelayMs(policy: CallbackRetryPolicy, attempt: number, ageMs: number): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  const delay = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, attempt - 1));
  if (ageMs + delay > policy.maxAgeMs) return undefined;
  return delay;
}
