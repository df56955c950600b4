import { retryDelayMs, type CallbackRetryPolicy } from './retry-policy.js';

const policy: CallbackRetryPolicy = {
  firstDelayMs: 5_000,
  maxDelayMs: 3_600_000,
  maxAttempts: 20,
  maxAgeMs: 72 * 3_600_000,
  attemptTimeoutMs: 10_000,
};

describe('callback retry policy', () => {
  it('doubles the wait after each failure, up to the cap', () => {
    expect([1, 2, 3, 4].map((a) => retryDelayMs(policy, a, 0))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(retryDelayMs(policy, 15, 0)).toBe(3_600_000);
  });

  it('gives up after the last attempt', () => {
    expect(retryDelayMs(policy, 19, 0)).toBe(3_600_000);
    expect(retryDelayMs(policy, 20, 0)).toBeUndefined();
  });

  it('gives up when the next attempt would come after the maximum age', () => {
    expect(retryDelayMs(policy, 3, policy.maxAgeMs - 1_000)).toBeUndefined();
  });
});
