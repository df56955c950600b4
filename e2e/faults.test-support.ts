import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseConfig } from '@ensemble/shared';
import { startNats, startPostgres, startRedis, waitFor, type PostgresServer, type TestServer } from '@ensemble/testing';
import { BbbSim } from '@ensemble/bbb-sim';
import { schedulerEnvSchema, startScheduler, type RunningScheduler } from '@ensemble/scheduler';
import { gatewayEnvSchema, startGateway, type RunningGateway } from '@ensemble/gateway-api';
import { loadCollectorEnvSchema, startLoadCollector, type RunningLoadCollector } from '@ensemble/load-collector';

export const OPS_TOKEN = 'faults-ops-token-0123456789';
export const BBB_API_SECRET = 'faults-bbb-api-secret-0123456789';
const root = new URL('../', import.meta.url).pathname;

/** A built service (`services/<name>/dist/main.js`) as its own process, so a test can kill -9 it. */
export class ServiceProcess {
  readonly lines: string[] = [];
  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {}

  static async start(service: string, env: Record<string, string>, ready: string): Promise<ServiceProcess> {
    const script = `${root}services/${service}/dist/main.js`;
    if (!existsSync(script)) throw new Error(`${script} is missing: run \`node scripts/build.mjs\` (npm test does)`);
    const child = spawn(process.execPath, [script], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const p = new ServiceProcess(service, child);
    const keep = (d: Buffer) => p.lines.push(...d.toString().split('\n').filter(Boolean));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await waitFor(`${service} started`, () => p.lines.some((l) => l.includes(ready)) || child.exitCode !== null, {
      timeoutMs: 20_000,
    });
    if (child.exitCode !== null) throw new Error(`${service} exited: ${p.lines.join('\n')}`);
    return p;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.alive) return;
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.kill(signal);
    const t = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(t);
  }
}

export interface FaultStackOptions {
  nodes?: number;
  /** Scheduler processes (built, spawned); 0 runs one scheduler in this process instead. */
  schedulerProcesses?: number;
  appendOnly?: boolean;
  pollS?: number;
  scheduler?: Record<string, string>;
  gateway?: Record<string, string>;
  collector?: Record<string, string>;
  /** Runs once NATS and Redis are up, before any service: e.g. a subscription that must see everything. */
  onServers?: (nats: TestServer, redis: TestServer) => Promise<void> | void;
  /**
   * A PostgreSQL of the caller's (e.g. one a backup was restored into, or one started for a
   * crash test), not stopped with the stack; `databases` names the services' databases on
   * it (default: a new one each).
   */
  postgres?: PostgresServer;
  databases?: { gateway: string; scheduler: string };
  /** A fleet of the caller's, kept after `stop()`; its nodes are registered unless `registered`. */
  sim?: BbbSim;
  registered?: boolean;
}

/**
 * Real NATS, Redis and PostgreSQL, a bbb-sim fleet, schedulers (in this process or as
 * spawned processes), a gateway and a load-collector in this process, with
 * every log line of the in-process services kept.
 */
export class FaultStack {
  nats!: TestServer;
  redis!: TestServer;
  postgres!: PostgresServer;
  /** The scheduler's own database (its node inventory), shared by every scheduler instance. */
  schedulerDatabaseUrl = '';
  /** The gateway's database (accounts, rooms and links). */
  gatewayDatabaseUrl = '';
  sim!: BbbSim;
  schedulers: ServiceProcess[] = [];
  inProcessScheduler: RunningScheduler | undefined;
  gateway!: RunningGateway;
  collector!: RunningLoadCollector;
  readonly logs: string[] = [];
  /** Each node's recording upload token, as its registration answered it (once). */
  readonly recordingTokens = new Map<string, string>();
  private opts: FaultStackOptions = {};

  async start(opts: FaultStackOptions = {}): Promise<this> {
    this.opts = opts;
    [this.nats, this.redis, this.postgres] = await Promise.all([
      startNats(),
      startRedis({ appendOnly: opts.appendOnly ?? false }),
      opts.postgres ?? startPostgres(),
    ]);
    this.gatewayDatabaseUrl = opts.databases?.gateway ?? (await this.postgres.createDatabase());
    this.schedulerDatabaseUrl = opts.databases?.scheduler ?? (await this.postgres.createDatabase());
    await opts.onServers?.(this.nats, this.redis);
    this.sim = opts.sim ?? (await BbbSim.start({ nodes: opts.nodes ?? 3 }));
    const sink = (l: string) => void this.logs.push(l);
    const common = { NATS_URL: this.nats.url, LOG_LEVEL: 'info' };
    const n = opts.schedulerProcesses ?? 0;
    if (n === 0) {
      this.inProcessScheduler = await startScheduler(
        parseConfig('scheduler', schedulerEnvSchema, this.schedulerEnv()),
        { logSink: sink },
      );
    } else {
      for (let i = 0; i < n; i++) await this.spawnScheduler();
    }
    this.gateway = await startGateway(
      parseConfig('gateway-api', gatewayEnvSchema, {
        ...common,
        REDIS_URL: this.redis.url,
        DATABASE_URL: this.gatewayDatabaseUrl,
        GATEWAY_PORT: '0',
        OPS_TOKEN,
        BBB_API_SECRET,
        NATS_REQUEST_TIMEOUT_MS: '3000',
        // Every client is loopback (no X-Forwarded-For believed): limits sized for many.
        LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '100000',
        JOIN_MAX_PER_ADDRESS: '100000',
        ...opts.gateway,
      }),
      { logSink: sink },
    );
    for (const node of opts.registered ? [] : this.sim.nodes) {
      const res = await this.ops('POST', '/api/ops/nodes', { id: node.id, url: node.baseUrl, secret: node.secret });
      if (res.status !== 201) throw new Error(`register ${node.id}: ${res.status} ${await res.text()}`);
      const { recordingToken } = (await res.json()) as { recordingToken?: string };
      if (recordingToken) this.recordingTokens.set(node.id, recordingToken);
    }
    this.collector = await startLoadCollector(
      parseConfig('load-collector', loadCollectorEnvSchema, {
        ...common,
        METRICS_PORT: '0',
        POLL_INTERVAL_S: String(opts.pollS ?? 0.25),
        ...opts.collector,
      }),
      { logSink: sink },
    );
    await waitFor('every node online', async () => (await this.nodes()).every((x) => x.health === 'online'), {
      timeoutMs: 15_000,
    });
    return this;
  }

  schedulerEnv(): Record<string, string> {
    return {
      NATS_URL: this.nats.url,
      REDIS_URL: this.redis.url,
      DATABASE_URL: this.schedulerDatabaseUrl,
      METRICS_PORT: '0',
      LOG_LEVEL: 'info',
      HEALTH_OFFLINE_AFTER: '2',
      HEALTH_ONLINE_AFTER: '1',
      ...this.opts.scheduler,
    };
  }

  async spawnScheduler(): Promise<ServiceProcess> {
    const p = await ServiceProcess.start('scheduler', this.schedulerEnv(), 'scheduler started');
    this.schedulers.push(p);
    return p;
  }

  async stop(): Promise<void> {
    await this.collector?.close();
    await this.gateway?.close();
    await this.inProcessScheduler?.close();
    await Promise.all(this.schedulers.map((s) => s.kill()));
    if (!this.opts.sim) await this.sim?.stop();
    await Promise.all([this.nats?.stop(), this.redis?.stop(), this.opts.postgres ? undefined : this.postgres?.stop()]);
  }

  ops(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    return fetch(`${this.gateway.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${OPS_TOKEN}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(signal ? { signal } : {}),
    });
  }

  // oxlint-disable-next-line typescript/no-explicit-any
  async nodes(): Promise<any[]> {
    const res = await this.ops('GET', '/api/ops/nodes');
    if (!res.ok) throw new Error(`nodes: ${res.status}`);
    // oxlint-disable-next-line typescript/no-explicit-any
    return ((await res.json()) as { nodes: any[] }).nodes;
  }

  /** A placement through the ops API: status and body (never throws on an HTTP error). */
  // oxlint-disable-next-line typescript/no-explicit-any
  async place(roomKey: string, timeoutMs = 10_000): Promise<{ status: number; body: any; retryAfter: string | null }> {
    const res = await this.ops(
      'POST',
      '/api/ops/placements',
      { roomKey, engine: 'bbb' },
      AbortSignal.timeout(timeoutMs),
    );
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, retryAfter: res.headers.get('retry-after') };
  }

  async where(roomKey: string): Promise<string | null> {
    const res = await this.ops('GET', `/api/ops/rooms/${encodeURIComponent(roomKey)}`);
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`where ${roomKey}: ${res.status}`);
    return ((await res.json()) as { nodeId: string }).nodeId;
  }
}

/** Runs `tasks` with at most `concurrency` in flight, in order. */
export async function pool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}
