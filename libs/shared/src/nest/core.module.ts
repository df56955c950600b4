import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Logger, secretValuesOf, type LogLevel } from '../logger.js';
import { Metrics } from '../metrics.js';
import { NatsBus } from '../nats/nats-bus.js';
import { createRedis } from '../redis.js';
import { Database } from '../database/database.js';
import { migrateToLatest, type Migrations } from '../database/migrations.js';
import { CONFIG, DATABASE, LOGGER, METRICS, NATS_BUS, REDIS } from './tokens.js';

export interface CoreOptions {
  service: string;
  config: { NATS_URL: string; LOG_LEVEL: LogLevel; REDIS_URL?: string; DATABASE_URL?: string };
  /** A service that keeps records in PostgreSQL: its migrations, applied at start before it serves. */
  database?: { migrations: Migrations };
  /** Replaces stdout, e.g. to capture logs in tests. */
  logSink?: (line: string) => void;
}

/**
 * Config, logger, metrics, the NATS bus, (when REDIS_URL is set) Redis and (when the
 * service asks for a database) PostgreSQL, migrated to the latest version, once per
 * process, closed in order on shutdown.
 */
@Global()
@Module({})
export class CoreModule implements OnApplicationShutdown {
  constructor(
    @Inject(NATS_BUS) private readonly bus: NatsBus,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(DATABASE) private readonly database: Database | null,
  ) {}

  static forRoot(opts: CoreOptions): DynamicModule {
    // Every secret of the service's own configuration is scrubbed from every line it logs.
    const logger = new Logger(opts.service, opts.config.LOG_LEVEL, opts.logSink, {}, secretValuesOf(opts.config));
    const metrics = new Metrics(opts.service);
    const providers: Provider[] = [
      { provide: CONFIG, useValue: opts.config },
      { provide: LOGGER, useValue: logger },
      { provide: METRICS, useValue: metrics },
      {
        provide: NATS_BUS,
        useFactory: () => NatsBus.connect({ url: opts.config.NATS_URL, name: opts.service, logger, metrics }),
      },
      {
        provide: REDIS,
        useFactory: async () => {
          if (!opts.config.REDIS_URL) return null;
          const redis = createRedis(opts.config.REDIS_URL, logger, opts.service);
          await redis.connect();
          return redis;
        },
      },
      {
        provide: DATABASE,
        useFactory: async () => {
          const url = opts.config.DATABASE_URL;
          if (!opts.database || !url) return null;
          await migrateToLatest(url, opts.database.migrations, { service: opts.service, logger });
          return Database.connect(url, logger, opts.service);
        },
      },
    ];
    return { module: CoreModule, providers, exports: providers };
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    this.logger.info('shutting down', { signal });
    await this.bus.close();
    // A Redis that is away gets no QUIT (it would wait out reconnect timers).
    if (this.redis?.status === 'ready') await this.redis.quit().catch(() => this.redis?.disconnect());
    else this.redis?.disconnect();
    await this.database?.close();
  }
}
