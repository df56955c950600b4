import { FaultStack, pool } from './faults.test-support.js';

/** Two scheduler processes behind the gateway; one dies with kill -9 in the middle of a burst of joins. */
describe('a scheduler process killed during a burst of placements', () => {
  const s = new FaultStack();
  beforeAll(() => s.start({ nodes: 3, schedulerProcesses: 2 }), 60_000);
  afterAll(() => s.stop());

  it('answers every request, keeps every room on one node and loses no assignment', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `burst-${i}`);
    let answered = 0;
    let killedAt = -1;
    const results = await pool(360, 24, async (i) => {
      if (answered === 90 && killedAt < 0) {
        killedAt = answered;
        s.schedulers[0]!.child.kill('SIGKILL');
      }
      const r = await s.place(keys[i % keys.length]!);
      answered++;
      return r;
    });
    expect(killedAt).toBe(90);
    expect(s.schedulers[0]!.alive).toBe(false);

    const failures = results.filter((r) => r.status !== 200);
    expect(failures).toEqual([]);
    // One node per room across every answer, and the scheduler still says the same.
    const nodeOf = new Map<string, Set<string>>();
    results.forEach((r, i) => {
      const key = keys[i % keys.length]!;
      nodeOf.set(key, (nodeOf.get(key) ?? new Set()).add(r.body.nodeId as string));
    });
    for (const [key, nodes] of nodeOf) {
      expect({ key, nodes: [...nodes] }).toEqual({ key, nodes: [expect.any(String)] });
      expect(await s.where(key)).toBe([...nodes][0]);
    }
    const retried = s.logs.filter((l) => l.includes('request retried')).length;
    process.stdout.write(`faults-scheduler: 360 placements, scheduler killed after 90, ${retried} retried\n`);
  }, 60_000);

  it('places new rooms on the survivor and again once a replacement starts', async () => {
    expect((await s.place('after-kill')).status).toBe(200);
    await s.spawnScheduler();
    const results = await pool(40, 8, (i) => s.place(`after-restart-${i}`));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
  }, 60_000);
});
