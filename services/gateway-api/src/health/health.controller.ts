import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { METRICS, NATS_BUS, type Metrics, type NatsBus } from '@ensemble/shared';
import type { FastifyReply } from 'fastify';

@Controller()
export class HealthController {
  constructor(
    @Inject(NATS_BUS) private readonly bus: NatsBus,
    @Inject(METRICS) private readonly metrics: Metrics,
  ) {}

  @Get('healthz')
  health(@Res() reply: FastifyReply): void {
    const nats = !this.bus.connection.isClosed();
    void reply.status(nats ? 200 : 503).send({ status: nats ? 'ok' : 'degraded', checks: { nats } });
  }

  @Get('metrics')
  @Header('cache-control', 'no-store')
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const { contentType, body } = await this.metrics.exposition();
    void reply.header('content-type', contentType).send(body);
  }
}
