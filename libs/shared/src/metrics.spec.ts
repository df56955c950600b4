import { BoundedLabel, Metrics } from './metrics.js';

describe('a bounded label', () => {
  it('keeps the first values as they are and counts every later one as the overflow', () => {
    const label = new BoundedLabel(2, '_other');
    expect(['a', 'b', 'c', 'a', 'd', 'b'].map((v) => label.of(v))).toEqual(['a', 'b', '_other', 'a', '_other', 'b']);
  });

  it('never gives a value the overflow name, even a value spelled like it', () => {
    const label = new BoundedLabel(5, 'other');
    expect(label.of('other')).toBe('other');
    expect(label.has('other')).toBe(false);
    expect(label.of('x')).toBe('x');
  });

  it('makes room again for a value forgotten', () => {
    const label = new BoundedLabel(1);
    expect(label.of('a')).toBe('a');
    expect(label.of('b')).toBe('other');
    label.forget('a');
    expect(label.of('b')).toBe('b');
  });

  it('keeps a counter at max + 1 series whatever arrives', async () => {
    const metrics = new Metrics('test');
    const label = new BoundedLabel(3, '_other');
    const counter = metrics.counter('test_requests_total', 'requests', ['tenant']);
    for (let i = 0; i < 1000; i++) counter.inc({ tenant: label.of(`t${i}`) });
    const series = (await counter.get()).values;
    expect(series.map((s) => [s.labels['tenant'], s.value])).toEqual([
      ['t0', 1],
      ['t1', 1],
      ['t2', 1],
      ['_other', 997],
    ]);
  });

  it('refuses a bound that is not a whole number', () => {
    expect(() => new BoundedLabel(-1)).toThrow(RangeError);
    expect(() => new BoundedLabel(1.5)).toThrow(RangeError);
  });
});
