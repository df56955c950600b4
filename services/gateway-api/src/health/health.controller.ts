import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import {
  DATABASE,
  METRICS,
  NATS_BUS,
  REDIS,
  dependencyReadiness,
  type Database,
  type Metrics,
  type NatsBus,
} from '@ensemble/shared';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';

/**
 * Liveness (`/livez`: the process serves; restart it when this fails) apart from
 * readiness (`/readyz`: NATS and Redis each answer a PING, PostgreSQL a query, within a second; send it
 * no traffic while this fails). `/healthz` is readiness's old name, kept for
 * existing probes.
 */
@Controller()
export class HealthController {
  private readonly ready;

  constructor(
    @Inject(NATS_BUS) bus: NatsBus,
    @Inject(REDIS) redis: Redis | null,
    @Inject(DATABASE) database: Database | null,
    @Inject(METRICS) private readonly metrics: Metrics,
  ) {
    this.ready = dependencyReadiness(bus, redis, database);
  }

  @Get('livez')
  @Header('cache-control', 'no-store')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @Header('cache-control', 'no-store')
  readiness(@Res() reply: FastifyReply): Promise<void> {
    return this.answerReadiness(reply);
  }

  @Get('healthz')
  @Header('cache-control', 'no-store')
  health(@Res() reply: FastifyReply): Promise<void> {
    return this.answerReadiness(reply);
  }

  @Get('metrics')
  @Header('cache-control', 'no-store')
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const { contentType, body } = await this.metrics.exposition();
    void reply.header('content-type', contentType).send(body);
  }

  private async answerReadiness(reply: FastifyReply): Promise<void> {
    const checks = await this.ready();
    const ok = Object.values(checks).every(Boolean);
    void reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', checks });
  }
}
