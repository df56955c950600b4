import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DomainError, contracts } from '@ensemble/contracts';
import { CONFIG, LOGGER, METRICS, NATS_BUS, type Logger, type Metrics, type NatsBus } from '@ensemble/shared';
import type { ServerResponse } from 'node:http';
import { Gauge } from 'prom-client';
import type { GatewayConfig } from '../config.js';

/** SSE event names on `GET /api/ops/events`, one per NATS event family. */
export type OpsEventName = 'load' | 'health' | 'fleet' | 'run';

interface Client {
  res: ServerResponse;
  /** Since when the socket refuses more (write returned false), or null. */
  blockedSince: number | null;
  dropped: number;
}

type Unsubscribe = { unsubscribe(): void };

/**
 * Relays fleet events from NATS to Server-Sent Events clients. NATS is subscribed
 * only while someone listens. A client that reads slowly never makes the gateway
 * buffer for it: while its socket is full, its events are dropped and counted
 * (`event: dropped` tells it how many once it drains); one stuck past
 * `SSE_STALL_MS` is closed (EventSource reconnects).
 */
@Injectable()
export class EventHubService implements OnModuleDestroy {
  private readonly clients = new Set<Client>();
  private subscriptions: Unsubscribe[] = [];
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly sent;
  private readonly droppedTotal;
  readonly clientsGauge: Gauge;

  constructor(
    @Inject(NATS_BUS) private readonly bus: NatsBus,
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) metrics: Metrics,
  ) {
    this.sent = metrics.counter('ensemble_gateway_sse_events_total', 'Events written to SSE clients', ['event']);
    this.droppedTotal = metrics.counter(
      'ensemble_gateway_sse_dropped_events_total',
      'Events not written to a slow SSE client',
      ['event'],
    );
    const clients = this.clients;
    this.clientsGauge = new Gauge({
      name: 'ensemble_gateway_sse_clients',
      help: 'Connected SSE clients',
      registers: [metrics.registry],
      collect() {
        this.set(clients.size);
      },
    });
  }

  /** Takes over a response: headers, then events until the client or the gateway goes away. */
  attach(res: ServerResponse): void {
    if (this.clients.size >= this.config.SSE_MAX_CLIENTS) {
      throw new DomainError('unavailable', 'too many event stream clients');
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const client: Client = { res, blockedSince: null, dropped: 0 };
    this.clients.add(client);
    res.on('close', () => this.detach(client));
    res.on('drain', () => {
      client.blockedSince = null;
      if (client.dropped > 0) {
        this.write(client, `event: dropped\ndata: ${JSON.stringify({ count: client.dropped })}\n\n`);
        client.dropped = 0;
      }
    });
    this.write(client, `retry: 3000\nevent: hello\ndata: ${JSON.stringify({ at: Date.now() })}\n\n`);
    this.start();
  }

  get size(): number {
    return this.clients.size;
  }

  onModuleDestroy(): void {
    for (const c of this.clients) c.res.end();
    this.clients.clear();
    this.stop();
  }

  private broadcast(event: OpsEventName, payload: unknown): void {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const c of this.clients) {
      if (c.blockedSince !== null) {
        c.dropped++;
        this.droppedTotal.inc({ event });
        continue;
      }
      this.write(c, frame);
      this.sent.inc({ event });
    }
  }

  private write(c: Client, frame: string): void {
    if (c.res.writableEnded || c.res.destroyed) return;
    if (!c.res.write(frame) && c.blockedSince === null) c.blockedSince = Date.now();
  }

  private tick(): void {
    const now = Date.now();
    for (const c of this.clients) {
      if (c.blockedSince === null) this.write(c, `: ping ${now}\n\n`);
      else if (now - c.blockedSince > this.config.SSE_STALL_MS) {
        this.logger.info('sse client stalled: closed', { droppedEvents: c.dropped });
        c.res.destroy();
      }
    }
  }

  private detach(c: Client): void {
    this.clients.delete(c);
    if (this.clients.size === 0) this.stop();
  }

  private start(): void {
    if (this.heartbeat) return;
    this.subscriptions = [
      // The meeting list is for the scheduler (decision 053): not sent to browsers.
      this.bus.subscribe(contracts.loadSample, ({ runningMeetings: _meetings, ...s }) => this.broadcast('load', s)),
      this.bus.subscribe(contracts.nodeHealth, (e) => this.broadcast('health', e)),
      this.bus.subscribe(contracts.fleetNode, (e) => this.broadcast('fleet', e)),
      this.bus.subscribe(contracts.provisionRun, (e) => this.broadcast('run', e)),
    ];
    this.heartbeat = setInterval(() => this.tick(), this.config.SSE_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private stop(): void {
    for (const s of this.subscriptions) s.unsubscribe();
    this.subscriptions = [];
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}
