import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { DynamicModule, INestApplicationContext } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.js';
import type { NatsBus } from '../nats/nats-bus.js';
import { startOpsServer } from '../ops-server.js';
import { dependencyReadiness } from '../readiness.js';
import { NestLogger } from './nest-logger.js';
import { DATABASE, LOGGER, METRICS, NATS_BUS, REDIS } from './tokens.js';
import type { Database } from '../database/database.js';

export interface RunningService {
  app: INestApplicationContext;
  metricsPort: number;
  /** Stops the ops server, then the app (its shutdown hooks close NATS and Redis). Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Boots a service with no HTTP API of its own (scheduler, load-collector,
 * provisioner): the Nest application context, then `/metrics`, `/livez` and `/readyz`
 * (NATS, and Redis where the service has one, each answering a PING; `/healthz` is
 * kept as readiness's old name). Used by each `main.ts` and by tests.
 */
export async function startContextService(opts: {
  name: string;
  module: DynamicModule;
  metricsPort: number;
  metricsHost?: string;
}): Promise<RunningService> {
  const app = await NestFactory.createApplicationContext(opts.module, { logger: false });
  const logger = app.get<Logger>(LOGGER);
  app.useLogger(new NestLogger(logger));
  await app.init();
  const bus = app.get<NatsBus>(NATS_BUS);
  const redis = app.get<Redis | null>(REDIS);
  const ops = await startOpsServer({
    port: opts.metricsPort,
    ...(opts.metricsHost ? { host: opts.metricsHost } : {}),
    metrics: app.get(METRICS),
    ready: dependencyReadiness(bus, redis, app.get<Database | null>(DATABASE)),
  }).catch(async (e: unknown) => {
    await app.close();
    throw e;
  });
  const metricsPort = (ops.address() as AddressInfo).port;
  logger.info(`${opts.name} started`, { metricsPort });
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

/**
 * A service's boot function (its `main.ts` and its tests call it): the service's
 * root module over its parsed config, served as a context service.
 */
export function contextServiceStarter<C extends { METRICS_PORT: number; METRICS_HOST: string }>(
  name: string,
  rootModule: (config: C, logSink?: (line: string) => void) => DynamicModule,
): (config: C, opts?: { logSink?: (line: string) => void }) => Promise<RunningService> {
  return (config, opts = {}) =>
    startContextService({
      name,
      module: rootModule(config, opts.logSink),
      metricsPort: config.METRICS_PORT,
      metricsHost: config.METRICS_HOST,
    });
}
