import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { contracts, type FleetNode, type LoadSample } from '@ensemble/contracts';
import {
  CONFIG,
  LOGGER,
  METRICS,
  NATS_BUS,
  PeriodicTask,
  type Logger,
  type Metrics,
  type NatsBus,
} from '@ensemble/shared';
import type { LoadCollectorConfig } from '../config.js';
import { samplesFromReadings, unknownLoad, type JitsiReadings } from './jitsi-readings.js';
import { PrometheusClient, PrometheusQueryError } from './prometheus.client.js';

type Known = Pick<FleetNode, 'id' | 'prometheusInstance'>;

/**
 * The Jitsi side of the collector: every PROM_POLL_INTERVAL_S ask Prometheus which
 * Jitsi nodes are up and how busy they are, register new ones, publish one sample
 * per node. While Prometheus does not answer, nothing is published (the scheduler
 * keeps the last samples) until PROM_STALE_AFTER_S has passed; from then on every
 * known Jitsi node gets a sample with `cpu: null` (load unknown). Never throws.
 */
@Injectable()
export class PrometheusPollerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger: Logger;
  private readonly client: PrometheusClient | undefined;
  private readonly loop: PeriodicTask;
  private lastOkAt = Date.now();
  private failing = false;
  /** Jitsi nodes as last known (from the scheduler, plus the ones registered here). */
  private known = new Map<string, Known>();
  private readonly lastSample = new Map<string, LoadSample>();
  private readonly queries;
  private readonly rounds;

  constructor(
    @Inject(CONFIG) private readonly config: LoadCollectorConfig,
    @Inject(LOGGER) logger: Logger,
    @Inject(NATS_BUS) private readonly bus: NatsBus,
    @Inject(METRICS) metrics: Metrics,
  ) {
    this.logger = logger.child({ component: 'prometheus' });
    if (config.PROMETHEUS_URL) this.client = new PrometheusClient(config.PROMETHEUS_URL, config.PROM_TIMEOUT_MS);
    this.loop = new PeriodicTask({
      intervalMs: () => this.config.PROM_POLL_INTERVAL_S * 1000,
      run: () => this.round(),
      onError: (error) => this.logger.error('prometheus round failed', { error }),
    });
    this.queries = metrics.counter('ensemble_collector_prometheus_queries_total', 'Prometheus queries, by outcome', [
      'query',
      'outcome',
    ]);
    this.rounds = metrics.counter(
      'ensemble_collector_prometheus_rounds_total',
      'Rounds of Prometheus queries: ok, held (Prometheus away, last samples kept) or unknown (load published as unknown)',
      ['outcome'],
    );
  }

  onApplicationBootstrap(): void {
    if (!this.client) return;
    this.logger.info('prometheus poller started', { intervalS: this.config.PROM_POLL_INTERVAL_S });
    this.lastOkAt = Date.now();
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.loop.signal.aborted || !this.client) return;
    await this.loop.stop();
    await this.client.close();
  }

  private async round(): Promise<void> {
    const at = Date.now();
    const started = performance.now();
    const [readings] = await Promise.all([this.read(), this.refreshKnown()]);
    if (this.loop.signal.aborted) return;
    if (!readings) return this.prometheusAway(at);
    if (this.failing) this.logger.info('prometheus answers again');
    this.failing = false;
    this.lastOkAt = at;
    this.rounds.inc({ outcome: 'ok' });
    const latencyMs = Math.round(performance.now() - started);
    const { samples, register } = samplesFromReadings(readings, [...this.known.values()], {
      at,
      latencyMs,
      urlTemplate: this.config.PROM_JITSI_URL_TEMPLATE,
    });
    const refused = new Set<string>();
    for (const r of register) if (!(await this.register(r))) refused.add(r.id);
    for (const s of samples) if (!refused.has(s.nodeId)) this.publish(s);
  }

  /** Discovery and CPU must answer; the videobridge's figures are a bonus (empty when missing). */
  private async read(): Promise<JitsiReadings | undefined> {
    const c = this.config;
    const q = (name: string, expr: string) =>
      this.client!.query(expr, this.loop.signal).then(
        (v) => (this.queries.inc({ query: name, outcome: 'ok' }), v),
        (e: unknown) => {
          const reason = e instanceof PrometheusQueryError ? e.reason : 'internal';
          this.queries.inc({ query: name, outcome: reason });
          throw e;
        },
      );
    const [up, cpu, ...bridge] = await Promise.allSettled([
      q('discovery', c.PROM_JITSI_SELECTOR),
      q('cpu', c.PROM_CPU_QUERY),
      q('conferences', c.PROM_CONFERENCES_QUERY),
      q('participants', c.PROM_PARTICIPANTS_QUERY),
      q('largest', c.PROM_LARGEST_QUERY),
    ]);
    if (up.status === 'rejected' || cpu.status === 'rejected') {
      const error = up.status === 'rejected' ? up.reason : (cpu as PromiseRejectedResult).reason;
      if (!this.failing) this.logger.warn('prometheus unavailable', { error: (error as Error).message });
      this.failing = true;
      return undefined;
    }
    const [conferences, participants, largest] = bridge.map((b) => (b.status === 'fulfilled' ? b.value : []));
    return {
      up: up.value.flatMap((s) => (s.labels.instance ? [s.labels.instance] : [])),
      cpu: cpu.value,
      conferences: conferences!,
      participants: participants!,
      largest: largest!,
    };
  }

  private prometheusAway(at: number): void {
    if (at - this.lastOkAt < this.config.PROM_STALE_AFTER_S * 1000) {
      this.rounds.inc({ outcome: 'held' });
      return;
    }
    this.rounds.inc({ outcome: 'unknown' });
    // Prometheus being away says nothing about the nodes: they stay reachable, their load unknown.
    for (const n of this.known.values()) {
      this.publish(unknownLoad(n.id, at, 'prometheus-unavailable', true, this.lastSample.get(n.id)));
    }
  }

  private async refreshKnown(): Promise<void> {
    try {
      const { nodes } = await this.bus.request(
        contracts.listNodes,
        { engine: 'jitsi' },
        { timeoutMs: this.config.TARGETS_TIMEOUT_MS },
      );
      this.known = new Map(nodes.map((n) => [n.id, { id: n.id, prometheusInstance: n.prometheusInstance }]));
    } catch (error) {
      // Keep the last list: a scheduler hiccup must not read as every node disappearing.
      this.logger.debug('jitsi node list unavailable', { error });
    }
  }

  private async register(r: { id: string; url: string; prometheusInstance: string }): Promise<boolean> {
    try {
      const node = await this.bus.request(
        contracts.registerNode,
        { id: r.id, engine: 'jitsi', url: r.url, prometheusInstance: r.prometheusInstance },
        { timeoutMs: this.config.TARGETS_TIMEOUT_MS },
      );
      this.known.set(node.id, { id: node.id, prometheusInstance: r.prometheusInstance });
      this.logger.info('jitsi node discovered', { nodeId: node.id, instance: r.prometheusInstance, url: r.url });
      return true;
    } catch (error) {
      this.logger.warn('jitsi node not registered', { nodeId: r.id, instance: r.prometheusInstance, error });
      return false;
    }
  }

  private publish(sample: LoadSample): void {
    try {
      this.bus.publish(contracts.loadSample, sample);
      if (sample.reachable && sample.cpu !== null) this.lastSample.set(sample.nodeId, sample);
    } catch (error) {
      this.logger.error('sample not published', { nodeId: sample.nodeId, error });
    }
  }
}
