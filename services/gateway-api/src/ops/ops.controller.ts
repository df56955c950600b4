import { Body, Controller, Get, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { NATS_BUS, contracts, placeRequestSchema, registerNodeSchema, type NatsBus } from '@ensemble/shared';

import { parseInput } from '../http/parse.js';
import { OpsTokenGuard } from './ops-token.guard.js';
import { RequestTimeout } from './request-timeout.js';

const placementBodySchema = placeRequestSchema.omit({ sign: true }).strict();
const registerBodySchema = registerNodeSchema.strict();

/** Operator API: thin, every decision is the scheduler's. */
@Controller('api/ops')
@UseGuards(OpsTokenGuard)
export class OpsController {
  constructor(
    @Inject(NATS_BUS) private readonly bus: NatsBus,
    private readonly timeout: RequestTimeout,
  ) {}

  @Get('cluster')
  async cluster() {
    const { nodes } = await this.bus.request(contracts.listNodes, {}, this.timeout.opts);
    const online = nodes.filter((n) => n.health === 'online');
    const sum = (f: (n: (typeof nodes)[number]) => number) => nodes.reduce((s, n) => s + f(n), 0);
    return {
      nodes,
      totals: {
        nodes: nodes.length,
        online: online.length,
        meetings: sum((n) => n.lastSample?.meetings ?? 0),
        participants: sum((n) => n.lastSample?.participants ?? 0),
        videoStreams: sum((n) => n.lastSample?.videoStreams ?? 0),
        rooms: sum((n) => n.rooms),
      },
    };
  }

  @Post('nodes')
  @HttpCode(201)
  async register(@Body() body: unknown) {
    const req = parseInput(registerBodySchema, body);
    return this.bus.request(contracts.registerNode, req, this.timeout.opts);
  }

  @Post('placements')
  @HttpCode(200)
  async place(@Body() body: unknown) {
    const req = parseInput(placementBodySchema, body);
    const p = await this.bus.request(contracts.place, req, this.timeout.opts);
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
