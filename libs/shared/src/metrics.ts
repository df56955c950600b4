import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process, with Node's default metrics, prefixed `ensemble_`. */
export class Metrics {
  readonly registry = new Registry();

  constructor(readonly service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry, prefix: 'ensemble_' });
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  histogram<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    buckets: number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  ): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/**
 * The values of a label that come from data (tenant names), bounded: the first `max`
 * distinct values keep their own series, every later one is counted under `overflow`.
 * Whatever arrives, the label has at most `max + 1` values. Which values keep their own
 * depends on the order they first arrive: give the label room for every value you expect.
 */
export class BoundedLabel {
  private readonly admitted = new Set<string>();

  constructor(
    readonly max: number,
    /** Pick one no real value can take (a tenant name is a DNS label: `_other` cannot be one). */
    readonly overflow = 'other',
  ) {
    if (!Number.isInteger(max) || max < 0)
      throw new RangeError(`BoundedLabel: max must be a whole number >= 0, not ${max}`);
  }

  /** The label value to use for `value`: itself while there is room or once admitted, else the overflow. */
  of(value: string): string {
    if (this.admitted.has(value)) return value;
    if (value === this.overflow || this.admitted.size >= this.max) return this.overflow;
    this.admitted.add(value);
    return value;
  }

  /** Whether `value` has its own series (admitted earlier). */
  has(value: string): boolean {
    return this.admitted.has(value);
  }

  /** Gives the room back (a tenant removed): its series should be removed by the caller too. */
  forget(value: string): void {
    this.admitted.delete(value);
  }
}
