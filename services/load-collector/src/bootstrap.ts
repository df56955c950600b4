import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { LOGGER, METRICS, NATS_BUS, NestLogger, startOpsServer, type Logger, type NatsBus } from '@ensemble/shared';
import type { AddressInfo } from 'node:net';
import type { LoadCollectorConfig } from './config.js';
import { LoadCollectorModule } from './load-collector.module.js';

export interface RunningLoadCollector {
  app: INestApplicationContext;
  metricsPort: number;
  close(): Promise<void>;
}

/** Boots the load-collector (used by main.ts and by the integration tests). The first cycle starts at once. */
export async function startLoadCollector(
  config: LoadCollectorConfig,
  opts: { logSink?: (line: string) => void } = {},
): Promise<RunningLoadCollector> {
  const app = await NestFactory.createApplicationContext(LoadCollectorModule.forRoot(config, opts.logSink), {
    logger: false,
  });
  const logger = app.get<Logger>(LOGGER);
  app.useLogger(new NestLogger(logger));
  await app.init();
  const bus = app.get<NatsBus>(NATS_BUS);
  const ops = await startOpsServer({
    port: config.METRICS_PORT,
    host: config.METRICS_HOST,
    metrics: app.get(METRICS),
    health: async () => ({ nats: !bus.connection.isClosed() }),
  }).catch(async (e: unknown) => {
    await app.close();
    throw e;
  });
  const metricsPort = (ops.address() as AddressInfo).port;
  logger.info('load-collector started', { metricsPort });
  let closing: Promise<void> | undefined;
  return {
    app,
    metricsPort,
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((resolve) => ops.close(() => resolve()));
        await app.close();
      })()),
  };
}
