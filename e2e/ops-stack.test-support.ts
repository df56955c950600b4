import { Logger, Metrics, NatsBus, parseConfig } from '@ensemble/shared';
import { startNats, startPostgres, startRedis, type PostgresServer, type TestServer } from '@ensemble/testing';
import { schedulerEnvSchema, startScheduler, type RunningScheduler } from '@ensemble/scheduler';
import { gatewayEnvSchema, startGateway, type RunningGateway } from '@ensemble/gateway-api';

/** The test's own NATS client: its logger only speaks of errors. */
export const testBus = (url: string): Promise<NatsBus> =>
  NatsBus.connect({ url, name: 'test', logger: new Logger('test', 'error'), metrics: new Metrics('test') });

/**
 * The scheduler and the gateway in this process over real NATS, Redis and PostgreSQL,
 * a NATS client for the test, and the ops API called with the operator token. Both
 * services log into `logs`, for tests that search them (for secrets, say).
 */
export class OpsStack {
  nats!: TestServer;
  redis!: TestServer;
  /** The gateway's PostgreSQL (`url`); the scheduler has a database of its own on it. */
  postgres!: PostgresServer;
  /** With `schedulerPostgresApart`: the scheduler's own server, so stopping the gateway's leaves it able to act. */
  schedulerPostgres: PostgresServer | undefined;
  scheduler!: RunningScheduler;
  /** Not started with `gateway: false` (a spec that runs the gateway as a process of its own). */
  gateway!: RunningGateway;
  bus!: NatsBus;
  readonly logs: string[] = [];

  constructor(
    readonly token: string,
    /** Sent with every call (e.g. the operator's name); a call's own headers win. */
    readonly headers: Record<string, string> = {},
  ) {}

  async start(
    opts: {
      gatewayEnv?: Record<string, string>;
      schedulerEnv?: Record<string, string>;
      gateway?: boolean;
      schedulerPostgresApart?: boolean;
    } = {},
  ): Promise<this> {
    [this.nats, this.redis, this.postgres, this.schedulerPostgres] = await Promise.all([
      startNats(),
      startRedis(),
      startPostgres(),
      opts.schedulerPostgresApart ? startPostgres() : undefined,
    ]);
    const sink = (l: string) => void this.logs.push(l);
    this.scheduler = await startScheduler(
      parseConfig('scheduler', schedulerEnvSchema, {
        NATS_URL: this.nats.url,
        REDIS_URL: this.redis.url,
        DATABASE_URL: this.schedulerPostgres?.url ?? (await this.postgres.createDatabase()),
        METRICS_PORT: '0',
        ...opts.schedulerEnv,
      }),
      { logSink: sink },
    );
    if (opts.gateway !== false) {
      this.gateway = await startGateway(
        parseConfig('gateway-api', gatewayEnvSchema, {
          DATABASE_URL: this.postgres.url,
          NATS_URL: this.nats.url,
          REDIS_URL: this.redis.url,
          GATEWAY_PORT: '0',
          OPS_TOKEN: this.token,
          ...opts.gatewayEnv,
        }),
        { logSink: sink },
      );
    }
    this.bus = await testBus(this.nats.url);
    return this;
  }

  async stop(): Promise<void> {
    await this.bus?.close();
    await this.gateway?.close();
    await this.scheduler?.close();
    await Promise.all([this.nats?.stop(), this.redis?.stop(), this.postgres?.stop(), this.schedulerPostgres?.stop()]);
  }

  /** A request to the gateway with the ops token; a string body is sent as it is (malformed JSON, say). */
  call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.gateway.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...this.headers,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
  }

  /** `call`, its answer read: the status, the text, and the JSON in it (null when empty). */
  async json(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    // oxlint-disable-next-line typescript/no-explicit-any -- tests read any field of any answer
  ): Promise<{ status: number; text: string; body: any }> {
    const res = await this.call(method, path, body, headers);
    const text = await res.text();
    return { status: res.status, text, body: text ? JSON.parse(text) : null };
  }
}
