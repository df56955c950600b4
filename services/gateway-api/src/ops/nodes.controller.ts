import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Req, UseGuards } from '@nestjs/common';
import {
  DomainError,
  contracts,
  loadMultiplierSchema,
  nodeIdSchema,
  nodeStateSchema,
  tagSchema,
} from '@ensemble/contracts';
import { NATS_BUS, type NatsBus } from '@ensemble/shared';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseInput } from '../http/parse.js';
import { clusterView } from '@ensemble/contracts';
import { AuditLog } from './audit-log.js';
import { auditActorOf } from './operator.js';
import { OpsTokenGuard } from './ops-token.guard.js';
import { NatsRequestOptionsProvider } from '../nats/nats-request-options.provider.js';

const patchBodySchema = z
  .object({
    state: nodeStateSchema.optional(),
    loadMultiplier: loadMultiplierSchema.optional(),
    tags: z.array(tagSchema).max(32).optional(),
  })
  .strict()
  .refine((b) => b.state !== undefined || b.loadMultiplier !== undefined || b.tags !== undefined, {
    message: 'nothing to update: give state, loadMultiplier or tags',
  });

/** Ending every meeting of a node takes a few calls to it: more than a plain request. */
const PANIC_TIMEOUT_MS = 30_000;

/** `/api/ops/nodes`: the node lifecycle (`POST` lives in OpsController). Who acts: X-Ensemble-Operator. */
@Controller('api/ops/nodes')
@UseGuards(OpsTokenGuard)
export class NodesController {
  constructor(
    @Inject(NATS_BUS) private readonly bus: NatsBus,
    private readonly requests: NatsRequestOptionsProvider,
    private readonly audit: AuditLog,
  ) {}

  @Get()
  async list() {
    const { nodes } = await this.bus.request(contracts.listNodes, {}, this.requests.once);
    return { nodes: clusterView(nodes).nodes };
  }

  @Get(':id')
  async show(@Param('id') raw: string) {
    const id = parseInput(nodeIdSchema, raw, 'id');
    const { nodes } = await this.bus.request(contracts.listNodes, {}, this.requests.once);
    const node = clusterView(nodes).nodes.find((n) => n.id === id);
    if (!node) throw new DomainError('not-found', `no node ${id}`);
    return node;
  }

  @Patch(':id')
  async update(@Param('id') raw: string, @Body() body: unknown, @Req() req: FastifyRequest) {
    const id = parseInput(nodeIdSchema, raw, 'id');
    const changes = parseInput(patchBodySchema, body);
    const who = auditActorOf(req);
    return this.audit.run(who, { action: 'node.update', target: id, details: changes }, () =>
      this.bus.request(contracts.updateNode, { id, ...changes, by: who.actor }, this.requests.once),
    );
  }

  @Delete(':id')
  async remove(@Param('id') raw: string, @Req() req: FastifyRequest) {
    const id = parseInput(nodeIdSchema, raw, 'id');
    const who = auditActorOf(req);
    return this.audit.run(who, { action: 'node.remove', target: id, details: {} }, async () => {
      const r = await this.bus.request(contracts.removeNode, { id, by: who.actor }, this.requests.once);
      if (!r.removed) throw new DomainError('not-found', `no node ${id}`);
      return r;
    });
  }

  /** Disable now, release its rooms, end its meetings: they re-create elsewhere on their next join. */
  @Post(':id/panic')
  @HttpCode(200)
  async panic(@Param('id') raw: string, @Req() req: FastifyRequest) {
    const id = parseInput(nodeIdSchema, raw, 'id');
    const timeoutMs = Math.max(this.requests.once.timeoutMs, PANIC_TIMEOUT_MS);
    const who = auditActorOf(req);
    return this.audit.run(
      who,
      {
        action: 'node.panic',
        target: id,
        details: {},
        result: (r) => ({ details: { ended: r.ended, failed: r.failed, released: r.released } }),
      },
      () => this.bus.request(contracts.panicNode, { id, by: who.actor }, { timeoutMs }),
    );
  }
}
