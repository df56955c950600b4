import { benchBalance, summarizeBalance } from './balance.bench.js';
import { makeTrace } from './balance/trace.js';

describe('balance under burst (bench section 3)', () => {
  it('builds the same trace from the same seed, heavy-tailed, within one poll interval', () => {
    const a = makeTrace(7);
    expect(makeTrace(7)).toEqual(a);
    expect(makeTrace(8)).not.toEqual(a);
    expect(a.rooms).toHaveLength(1000);
    expect(a.rooms.every((r) => r.arrivesAtS >= 0 && r.arrivesAtS < 30)).toBe(true);
    expect(a.rooms.filter((r) => r.size >= 100).length).toBeGreaterThan(0);
    expect(a.rooms.filter((r) => r.size <= 10).length).toBeGreaterThan(800);
    expect(a.rooms.every((r) => r.lastWeek >= 1 && Math.abs(Math.log(r.lastWeek / r.size)) < 1)).toBe(true);
  });

  it('places a seeded trace with the real scheduler better than Scalelite and the seed rules', async () => {
    const byTrace = await benchBalance([1]);
    const t = byTrace['trace-1']!;
    expect(t.seed!.maxOverMean).toBe(20); // every room on one node of 20
    expect(t.ensemble!.maxOverMean).toBeLessThan(t.scalelite!.maxOverMean);
    expect(t.ensemble!.maxOverMean).toBeLessThanOrEqual(1.15);
    expect(t['ensemble-exact-hint']!.maxOverMean).toBeLessThanOrEqual(1.15);
    // No hints, but the sizes its rooms reached a week earlier, remembered by the scheduler.
    expect(t['ensemble-last-week']!.maxOverMean).toBeLessThanOrEqual(1.15);
    expect(t['ensemble-last-week']!.maxOverMean).toBeLessThan(t['ensemble-no-hint']!.maxOverMean);
    const summary = summarizeBalance(byTrace);
    expect(summary.ensemble).toMatchObject({ tracesWithinTarget: 1, tracesWorseThanScalelite: 0 });
    expect(summary.scalelite!.tracesWithinTarget).toBe(0);
  }, 120_000);
});
