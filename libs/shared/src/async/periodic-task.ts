export interface PeriodicTaskOptions {
  /** Time from the start of one run to the start of the next; a run longer than this is followed at once. */
  intervalMs: () => number;
  /** Runs once per period, never two at a time; `signal` aborts on stop. */
  run: (signal: AbortSignal) => Promise<void>;
  /** A failed run is reported here and the schedule goes on. */
  onError: (error: unknown) => void;
}

/**
 * A loop that runs work every interval without overlap and stops cleanly: `stop()`
 * aborts the signal, cancels the next run and waits for the one in flight. The one
 * periodic-task helper of the services (pollers, autoscale).
 */
export class PeriodicTask {
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly opts: PeriodicTaskOptions) {}

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** First run after `delayMs` (0: at once). */
  start(delayMs = 0): void {
    this.schedule(delayMs);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.abort.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const started = performance.now();
      this.running = this.opts
        .run(this.abort.signal)
        .catch((error: unknown) => this.opts.onError(error))
        .finally(() => {
          this.running = undefined;
          this.schedule(Math.max(0, this.opts.intervalMs() - (performance.now() - started)));
        });
    }, delayMs);
  }
}
