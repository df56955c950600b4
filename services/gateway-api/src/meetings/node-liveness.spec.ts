import { NodeLiveness } from './node-liveness.js';

describe('NodeLiveness', () => {
  let now = 0;
  const liveness = () => new NodeLiveness(2000, () => now);

  it('checks a node no one has heard from, and not again while its answer is fresh', async () => {
    const l = liveness();
    let checks = 0;
    const verify = () => {
      checks++;
      l.answered('n1');
      return Promise.resolve(true);
    };
    expect(await l.check('n1', verify)).toBe(true);
    now += 1999;
    expect(await l.check('n1', verify)).toBe(true);
    expect(checks).toBe(1);
    now += 1;
    await l.check('n1', verify);
    expect(checks).toBe(2);
  });

  it('shares one check among the joins that arrive while it runs', async () => {
    const l = liveness();
    let release!: (ok: boolean) => void;
    let checks = 0;
    const verify = () => {
      checks++;
      return new Promise<boolean>((r) => (release = r));
    };
    const all = Promise.all([l.check('n2', verify), l.check('n2', verify), l.check('n2', verify)]);
    release(false);
    expect(await all).toEqual([false, false, false]);
    expect(checks).toBe(1);
  });

  it('checks a node again after one of its calls failed, however recent its last answer', async () => {
    const l = liveness();
    l.answered('n3');
    expect(l.fresh('n3')).toBe(true);
    l.failed('n3');
    expect(l.fresh('n3')).toBe(false);
  });
});
