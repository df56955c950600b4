import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { contracts, runIdSchema, scaleOutRequestSchema } from '@ensemble/contracts';
import { NATS_BUS, type NatsBus } from '@ensemble/shared';
import type { FastifyRequest } from 'fastify';
import { AuditLog } from './audit-log.js';
import { z } from 'zod';
import { parseInput } from '../http/parse.js';
import { auditActorOf } from './operator.js';
import { OpsTokenGuard } from './ops-token.guard.js';
import { NatsRequestOptionsProvider } from '../nats/nats-request-options.provider.js';

// Who asked comes from the operator header, never from the body.
const scaleOutBodySchema = scaleOutRequestSchema.omit({ by: true }).strict();
const listQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict();

/** Scale-out and provisioning runs: the provisioner decides, this only translates. */
@Controller('api/ops')
@UseGuards(OpsTokenGuard)
export class RunsController {
  constructor(
    @Inject(NATS_BUS) private readonly bus: NatsBus,
    private readonly requests: NatsRequestOptionsProvider,
    private readonly audit: AuditLog,
  ) {}

  /** 202 `{ runId }`; 409 `conflict` (message `busy: ...`) while another run holds the lock. */
  @Post('scale-out')
  @HttpCode(202)
  async scaleOut(@Body() body: unknown, @Req() http: FastifyRequest) {
    const req = parseInput(scaleOutBodySchema, body);
    const by = auditActorOf(http);
    return this.audit.run(
      by,
      { action: 'fleet.scale-out', target: null, details: req, result: (r) => ({ target: r.runId }) },
      () => this.bus.request(contracts.scaleOut, { ...req, by: by.actor }, this.requests.once),
    );
  }

  /** `{ runs, decisions }`: the runs and the latest autoscale decisions, newest first. */
  @Get('runs')
  async list(@Query() query: unknown) {
    const { limit } = parseInput(listQuerySchema, query, 'query');
    return this.bus.request(contracts.listRuns, { limit }, this.requests.once);
  }

  @Get('runs/:id')
  async show(@Param('id') id: string) {
    const runId = parseInput(runIdSchema, id, 'id');
    return this.bus.request(contracts.getRun, { runId }, this.requests.once);
  }
}
