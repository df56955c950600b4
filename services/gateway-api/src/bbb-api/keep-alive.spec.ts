import { KeepAliveThrottle } from './keep-alive.js';

describe('the keep-alive throttle of BBB API joins', () => {
  const week = 7 * 86_400;

  it('lets the first join of a meeting write, and no other within the hour', () => {
    const t = new KeepAliveThrottle();
    expect(t.due('m', week, 0)).toBe(true);
    expect(t.due('m', week, 1000)).toBe(false);
    expect(t.due('m', week, 3_599_999)).toBe(false);
    expect(t.due('m', week, 3_600_000)).toBe(true);
  });

  it('counts each meeting apart, and forgets one that ended', () => {
    const t = new KeepAliveThrottle();
    expect(t.due('a', week, 0)).toBe(true);
    expect(t.due('b', week, 0)).toBe(true);
    t.forget('a');
    expect(t.due('a', week, 1)).toBe(true);
    expect(t.due('b', week, 1)).toBe(false);
  });

  it('writes at least every hundredth of a short expiry', () => {
    const t = new KeepAliveThrottle();
    expect(t.due('m', 60, 0)).toBe(true);
    expect(t.due('m', 60, 599)).toBe(false);
    expect(t.due('m', 60, 600)).toBe(true);
  });
});
