import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import {
  RECORDING_TOKEN_NOTE,
  contracts,
  placeRequestSchema,
  registerNodeSchema,
  roomKeySchema,
} from '@ensemble/contracts';
import { NATS_BUS, redactedUrl, type NatsBus } from '@ensemble/shared';
import type { FastifyRequest } from 'fastify';
import { AuditLog } from './audit-log.js';
import { auditActorOf } from './operator.js';

import { parseInput } from '../http/parse.js';
import { clusterView } from '@ensemble/contracts';
import { OpsTokenGuard } from './ops-token.guard.js';
import { NatsRequestOptionsProvider } from '../nats/nats-request-options.provider.js';

const placementBodySchema = placeRequestSchema.omit({ sign: true }).strict();
const registerBodySchema = registerNodeSchema.strict();

/** Operator API: thin, every decision is the scheduler's. */
@Controller('api/ops')
@UseGuards(OpsTokenGuard)
export class OpsController {
  constructor(
    @Inject(NATS_BUS) private readonly bus: NatsBus,
    private readonly requests: NatsRequestOptionsProvider,
    private readonly audit: AuditLog,
  ) {}

  @Get('cluster')
  async cluster() {
    const { nodes } = await this.bus.request(contracts.listNodes, {}, this.requests.idempotent);
    return clusterView(nodes);
  }

  @Post('nodes')
  @HttpCode(201)
  async register(@Body() body: unknown, @Req() http: FastifyRequest) {
    const req = parseInput(registerBodySchema, body);
    const { secret: _secret, recordingToken: _token, id: _id, url, ...rest } = req;
    return this.audit.run(
      auditActorOf(http),
      {
        action: 'node.register',
        target: req.id ?? null,
        // Never the secret or the upload token; the URL without user info or query.
        details: { ...rest, url: redactedUrl(url) },
        result: (node) => ({ target: node.id }),
      },
      async () => {
        const node = await this.bus.request(contracts.registerNode, req, this.requests.once);
        return node.recordingToken ? { ...node, recordingTokenNote: RECORDING_TOKEN_NOTE } : node;
      },
    );
  }

  /** Where a room is now (its node, that node's state and health), without placing it. */
  @Get('rooms/:roomKey')
  async locate(@Param('roomKey') raw: string) {
    const roomKey = parseInput(roomKeySchema, raw, 'roomKey');
    const { signed: _signed, ...where } = await this.bus.request(
      contracts.locate,
      { roomKey, sign: [] },
      this.requests.idempotent,
    );
    return where;
  }

  /** A placement, as an integration asks it: not audited (placement never touches PostgreSQL, decision 092). */
  @Post('placements')
  @HttpCode(200)
  async place(@Body() body: unknown) {
    const req = parseInput(placementBodySchema, body);
    const p = await this.bus.request(contracts.place, req, this.requests.idempotent);
    return {
      roomKey: p.roomKey,
      nodeId: p.nodeId,
      url: p.url,
      engine: p.engine,
      outcome: p.outcome,
      previousNodeId: p.previousNodeId,
    };
  }
}
