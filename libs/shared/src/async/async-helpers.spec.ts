import { mapLimit } from './map-limit.js';
import { PeriodicTask } from './periodic-task.js';

const tick = () => new Promise((r) => setImmediate(r));
const until = async (done: () => boolean) => {
  while (!done()) await tick();
};

describe('mapLimit', () => {
  it('keeps the items order and never has more than the limit in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      for (let i = 0; i < n; i++) await tick();
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(most).toBe(2);
  });

  it('answers an empty list without calling anything', async () => {
    const fn = async () => 1;
    await expect(mapLimit([], 8, fn)).resolves.toEqual([]);
  });
});

describe('PeriodicTask', () => {
  it('never runs twice at once, goes on after a failed run, and stop waits for the run in flight', async () => {
    let running = 0;
    let overlapped = false;
    let runs = 0;
    const errors: unknown[] = [];
    let thirdRunDone = false;
    const task = new PeriodicTask({
      intervalMs: () => 0,
      run: async (signal) => {
        running++;
        if (running > 1) overlapped = true;
        runs++;
        if (runs === 1) {
          running--;
          throw new Error('first run fails');
        }
        if (runs === 3) await new Promise<void>((r) => signal.addEventListener('abort', () => r()));
        running--;
        if (runs === 3) thirdRunDone = true;
      },
      onError: (e) => errors.push(e),
    });
    task.start();
    await until(() => runs >= 3);
    expect(thirdRunDone).toBe(false);
    await task.stop();
    expect(thirdRunDone).toBe(true);
    expect(overlapped).toBe(false);
    expect(errors).toHaveLength(1);
    expect(task.signal.aborted).toBe(true);
    const after = runs;
    await new Promise((r) => setTimeout(r, 20));
    expect(runs).toBe(after);
  });
});
