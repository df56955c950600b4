import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import {
  LOGGER,
  METRICS,
  NATS_BUS,
  REDIS,
  NestLogger,
  startOpsServer,
  type Logger,
  type NatsBus,
} from '@ensemble/shared';
import type { Redis } from 'ioredis';
import type { AddressInfo } from 'node:net';
import type { SchedulerConfig } from './config.js';
import { SchedulerModule } from './scheduler.module.js';

export interface RunningScheduler {
  app: INestApplicationContext;
  metricsPort: number;
  close(): Promise<void>;
}

/** Boots the scheduler (used by main.ts and by the integration tests). */
export async function startScheduler(
  config: SchedulerConfig,
  opts: { logSink?: (line: string) => void } = {},
): Promise<RunningScheduler> {
  const app = await NestFactory.createApplicationContext(SchedulerModule.forRoot(config, opts.logSink), {
    logger: false,
  });
  const logger = app.get<Logger>(LOGGER);
  app.useLogger(new NestLogger(logger));
  await app.init();
  const bus = app.get<NatsBus>(NATS_BUS);
  const redis = app.get<Redis>(REDIS);
  const ops = await startOpsServer({
    port: config.METRICS_PORT,
    host: config.METRICS_HOST,
    metrics: app.get(METRICS),
    health: async () => ({ nats: !bus.connection.isClosed(), redis: redis.status === 'ready' }),
  });
  const metricsPort = (ops.address() as AddressInfo).port;
  logger.info('scheduler started', { metricsPort });
  return {
    app,
    metricsPort,
    close: async () => {
      await new Promise<void>((resolve) => ops.close(() => resolve()));
      await app.close();
    },
  };
}
