import { Gauge } from 'prom-client';
import type { Metrics } from '@ensemble/shared';

/** The collector's own instruments, registered once on the process registry. */
export class CollectorMetrics {
  readonly pollSeconds;
  readonly pollFailures;
  readonly cycleSeconds;
  readonly nodesPolled;
  readonly cycles;

  constructor(metrics: Metrics) {
    this.pollSeconds = metrics.histogram(
      'ensemble_collector_poll_duration_seconds',
      'One getMeetings poll, request to parsed sample',
      ['engine', 'outcome'],
    );
    this.pollFailures = metrics.counter(
      'ensemble_collector_poll_failures_total',
      'Polls that produced no load figures, by reason',
      ['engine', 'reason'],
    );
    this.cycleSeconds = metrics.histogram(
      'ensemble_collector_cycle_duration_seconds',
      'One poll cycle over the whole fleet',
      [],
      [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    );
    this.nodesPolled = new Gauge({
      name: 'ensemble_collector_nodes_polled',
      help: 'Nodes polled in the last completed cycle, by outcome',
      labelNames: ['outcome'] as const,
      registers: [metrics.registry],
    });
    this.cycles = metrics.counter(
      'ensemble_collector_cycles_total',
      'Poll cycles started, by outcome (ok, or skipped when no target list could be had)',
      ['outcome'],
    );
  }
}
