import { Controller, Get, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EventHubService } from './event-hub.service.js';
import { OpsStreamGuard, OpsTokenGuard, ReadScope } from './ops-token.guard.js';
import { SseTicketService } from './sse-ticket.service.js';

/**
 * `GET /api/ops/events`: Server-Sent Events (`load`, `health`, `fleet`, `run`,
 * plus `hello`, `dropped` and `: ping` comments). Bearer token, or `?ticket=`
 * from `POST /api/ops/events/ticket` for browsers' EventSource.
 */
@Controller('api/ops/events')
export class OpsEventsController {
  constructor(
    private readonly hub: EventHubService,
    private readonly tickets: SseTicketService,
  ) {}

  @Get()
  @UseGuards(OpsStreamGuard)
  stream(@Res() reply: FastifyReply): void {
    this.hub.attach(reply.raw);
    // From here the raw response is the hub's (Fastify must not answer it too).
    void reply.hijack();
  }

  /** A read-only credential: a read-scope operator token may ask for one. */
  @Post('ticket')
  @HttpCode(200)
  @ReadScope()
  @UseGuards(OpsTokenGuard)
  ticket() {
    return this.tickets.issue();
  }
}
