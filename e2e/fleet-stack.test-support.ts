import { parseConfig } from '@ensemble/shared';
import { startNats, startPostgres, startRedis, type PostgresServer, type TestServer } from '@ensemble/testing';
import { BbbSim, type BbbSimOptions } from '@ensemble/bbb-sim';
import { schedulerEnvSchema, startScheduler, type RunningScheduler } from '@ensemble/scheduler';
import { gatewayEnvSchema, startGateway, type RunningGateway } from '@ensemble/gateway-api';
import { loadCollectorEnvSchema, startLoadCollector, type RunningLoadCollector } from '@ensemble/load-collector';

export const OPS_TOKEN = 'fleet-ops-token-0123456789';

/**
 * A live fleet in one process: real NATS and Redis, bbb-sim nodes registered
 * through the ops API, the scheduler, the gateway and a load-collector polling
 * every `pollS` seconds.
 */
export class FleetStack {
  nats!: TestServer;
  redis!: TestServer;
  postgres!: PostgresServer;
  sim!: BbbSim;
  scheduler!: RunningScheduler;
  gateway!: RunningGateway;
  collector!: RunningLoadCollector;
  logs: string[] = [];
  /** Each node's recording upload token, as its registration answered it (once). */
  readonly recordingTokens = new Map<string, string>();

  async start(
    opts: {
      nodes?: number;
      pollS?: number;
      scheduler?: Record<string, string>;
      gateway?: Record<string, string>;
      sim?: Omit<BbbSimOptions, 'nodes'>;
    } = {},
  ): Promise<this> {
    [this.nats, this.redis, this.postgres] = await Promise.all([startNats(), startRedis(), startPostgres()]);
    this.sim = await BbbSim.start({ ...opts.sim, nodes: opts.nodes ?? 2 });
    const sink = (l: string) => void this.logs.push(l);
    const common = { NATS_URL: this.nats.url, LOG_LEVEL: 'info' };
    this.scheduler = await startScheduler(
      parseConfig('scheduler', schedulerEnvSchema, {
        ...common,
        REDIS_URL: this.redis.url,
        DATABASE_URL: await this.postgres.createDatabase(),
        METRICS_PORT: '0',
        HEALTH_OFFLINE_AFTER: '1',
        HEALTH_ONLINE_AFTER: '1',
        ...opts.scheduler,
      }),
      { logSink: sink },
    );
    this.gateway = await startGateway(
      parseConfig('gateway-api', gatewayEnvSchema, {
        ...common,
        REDIS_URL: this.redis.url,
        DATABASE_URL: this.postgres.url,
        GATEWAY_PORT: '0',
        OPS_TOKEN,
        SSE_HEARTBEAT_MS: '500',
        ...opts.gateway,
      }),
      { logSink: sink },
    );
    for (const n of this.sim.nodes) {
      const res = await this.ops('POST', '/api/ops/nodes', { id: n.id, url: n.baseUrl, secret: n.secret });
      if (res.status !== 201) throw new Error(`register ${n.id}: ${res.status} ${await res.text()}`);
      const { recordingToken } = (await res.json()) as { recordingToken?: string };
      if (recordingToken) this.recordingTokens.set(n.id, recordingToken);
    }
    this.collector = await startLoadCollector(
      parseConfig('load-collector', loadCollectorEnvSchema, {
        ...common,
        METRICS_PORT: '0',
        POLL_INTERVAL_S: String(opts.pollS ?? 0.25),
      }),
      { logSink: sink },
    );
    return this;
  }

  async stop(): Promise<void> {
    await this.collector?.close();
    await this.gateway?.close();
    await this.scheduler?.close();
    await this.sim?.stop();
    await Promise.all([this.nats?.stop(), this.redis?.stop(), this.postgres?.stop()]);
  }

  ops(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.gateway.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${OPS_TOKEN}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  }

  /** The JSON answer of an ops call that must succeed. */
  // oxlint-disable-next-line typescript/no-explicit-any -- tests read any field of any answer
  async json<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    const res = await this.ops(method, path, body, headers);
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }

  node(id: string) {
    return this.json('GET', `/api/ops/nodes/${id}`);
  }

  place(roomKey: string) {
    return this.json<{ nodeId: string; outcome: string; previousNodeId: string | null }>(
      'POST',
      '/api/ops/placements',
      {
        roomKey,
        engine: 'bbb',
      },
    );
  }
}

/** A Server-Sent Events client over fetch, collecting events until closed. */
export class SseClient {
  // oxlint-disable-next-line typescript/no-explicit-any -- events of every kind, read field by field
  readonly events: { event: string; data: any }[] = [];
  comments = 0;
  private readonly abort = new AbortController();
  done!: Promise<void>;

  async open(url: string, headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(url, { headers, signal: this.abort.signal });
    if (res.ok && res.body) this.done = this.read(res.body).catch(() => undefined);
    return res;
  }

  close(): void {
    this.abort.abort();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of body) {
      buffer += decoder.decode(chunk, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        if (block.startsWith(':')) this.comments++;
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) this.events.push({ event, data: JSON.parse(data) });
      }
    }
  }
}
