import { OperatorTokenCache } from './operator-token-cache.js';

const ada = { id: 'opt_000000000001', name: 'ada', scope: 'write' as const };
const bot = { id: 'opt_000000000002', name: 'ci-bot', scope: 'read' as const };

describe('the operator token cache', () => {
  it('keeps a live token for its time to live, then forgets it', () => {
    const cache = new OperatorTokenCache(5000);
    cache.put('k1', ada, cache.generation(), 1000);
    expect(cache.get('k1', 5999)).toEqual(ada);
    expect(cache.get('k1', 6000)).toBeUndefined();
  });

  it('forgets a revoked token at once, and only that one', () => {
    const cache = new OperatorTokenCache(5000);
    cache.put('k1', ada, cache.generation(), 0);
    cache.put('k2', bot, cache.generation(), 0);
    cache.drop(ada.id);
    expect(cache.get('k1', 1)).toBeUndefined();
    expect(cache.get('k2', 1)).toEqual(bot);
  });

  it('does not take back a token looked up before a revocation that came during the lookup', () => {
    const cache = new OperatorTokenCache(5000);
    const before = cache.generation();
    cache.drop(ada.id);
    cache.put('k1', ada, before, 0);
    expect(cache.get('k1', 1)).toBeUndefined();
  });

  it('holds at most its bound, dropping the oldest entry', () => {
    const cache = new OperatorTokenCache(5000, 2);
    cache.put('k1', ada, 0, 0);
    cache.put('k2', bot, 0, 0);
    cache.put('k3', ada, 0, 0);
    expect([cache.get('k1', 1), cache.get('k2', 1), cache.get('k3', 1)]).toEqual([undefined, bot, ada]);
  });
});
