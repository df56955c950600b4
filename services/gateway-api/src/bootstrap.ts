import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  DATABASE,
  LOGGER,
  METRICS,
  NestLogger,
  REDIS,
  type Database,
  type Logger,
  type Metrics,
} from '@ensemble/shared';
import type { Redis } from 'ioredis';
import type { AddressInfo } from 'node:net';
import type { GatewayConfig } from './config.js';
import { GatewayModule } from './gateway.module.js';
import { DomainErrorFilter } from './http/domain-error.filter.js';
import { trustProxyOption } from './http/trusted-proxies.js';
import { warnIfAccountsLeftInRedis } from './migrate/old-accounts-warning.js';

export interface RunningGateway {
  app: NestFastifyApplication;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Boots the gateway (main.ts and the integration tests). */
export async function startGateway(
  config: GatewayConfig,
  opts: { logSink?: (line: string) => void } = {},
): Promise<RunningGateway> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Prototype-pollution keys in JSON bodies are an error, not a silent merge.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Forwarding headers count only from configured proxies: anyone else could forge them.
    trustProxy: trustProxyOption(config.TRUSTED_PROXIES),
    // A callback token is a path parameter of a few hundred characters (decision 113).
    maxParamLength: 8192,
  });
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.forRoot(config, opts.logSink), adapter, {
    logger: false,
  });
  const logger = app.get<Logger>(LOGGER);
  app.useLogger(new NestLogger(logger));
  app.useGlobalFilters(new DomainErrorFilter(logger));
  instrument(app, app.get<Metrics>(METRICS));
  secureEveryAnswer(app, config);
  app.enableShutdownHooks();
  await app.listen({ port: config.GATEWAY_PORT, host: config.GATEWAY_HOST });
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const url = `http://${config.GATEWAY_HOST}:${port}`;
  logger.info('gateway started', { url });
  await warnIfAccountsLeftInRedis(app.get<Redis | null>(REDIS), app.get<Database | null>(DATABASE), logger);
  return { app, port, url, close: () => app.close() };
}

function instrument(app: NestFastifyApplication, metrics: Metrics): void {
  const requests = metrics.histogram(
    'ensemble_gateway_http_request_duration_seconds',
    'HTTP requests by route and status',
    ['method', 'route', 'status'],
  );
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onResponse', (req, reply, done) => {
    // The route pattern, not the raw URL, keeps label values bounded.
    const route = req.routeOptions.url ?? 'unmatched';
    requests.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });
}

/** Headers on every answer (the web app adds its CSP): no sniffing, and HSTS once we are served over HTTPS. */
function secureEveryAnswer(app: NestFastifyApplication, config: GatewayConfig): void {
  const hsts = config.PUBLIC_URL?.startsWith('https://') === true;
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', (_req, reply, payload, done) => {
      void reply.header('x-content-type-options', 'nosniff');
      if (hsts) void reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
      done(null, payload);
    });
}
