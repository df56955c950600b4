import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import {
  DomainError,
  contracts,
  describeHoldings,
  recordingsAtRisk,
  type NodeHoldings,
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

const removeQuerySchema = z
  .object({
    force: z
      .enum(['true', 'false'])
      .default('false')
      .transform((f) => f === 'true'),
  })
  .strict();

/** What a node held, as the audit log records it: counts, ids, and the one text (decision 105). */
const lostDetails = (h: NodeHoldings) => ({
  meetings: h.meetings,
  processing: h.processing,
  notStored: h.notStored,
  summary: describeHoldings(h),
});

/** Asking a node for its recordings and the index for theirs: two calls in a row. */
const HOLDINGS_TIMEOUT_MS = 15_000;

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

  /** What the node still holds that removing it would lose (decision 105): asked of the node and the index now. */
  @Get(':id/holdings')
  async holdings(@Param('id') raw: string) {
    const id = parseInput(nodeIdSchema, raw, 'id');
    const timeoutMs = Math.max(this.requests.once.timeoutMs, HOLDINGS_TIMEOUT_MS);
    return this.bus.request(contracts.nodeHoldings, { id }, { timeoutMs });
  }

  /** Refused (409, naming what it holds) while the node holds meetings or recordings not in storage, unless `?force=true`. */
  @Delete(':id')
  async remove(@Param('id') raw: string, @Query() query: unknown, @Req() req: FastifyRequest) {
    const id = parseInput(nodeIdSchema, raw, 'id');
    const { force } = parseInput(removeQuerySchema, query);
    const who = auditActorOf(req);
    const timeoutMs = Math.max(this.requests.once.timeoutMs, HOLDINGS_TIMEOUT_MS);
    return this.audit.run(
      who,
      {
        action: 'node.remove',
        target: id,
        details: force ? { force } : {},
        // A forced removal records what it gave up, by record id.
        result: (r) => (r.lost ? { details: { force, lost: lostDetails(r.lost) } } : {}),
      },
      async () => {
        const r = await this.bus.request(contracts.removeNode, { id, by: who.actor, force }, { timeoutMs });
        if (!r.removed) throw new DomainError('not-found', `no node ${id}`);
        return r;
      },
    );
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
        result: (r) => ({
          details: {
            ended: r.ended,
            failed: r.failed,
            released: r.released,
            ...(recordingsAtRisk(r.atRisk) ? { atRisk: lostDetails(r.atRisk) } : {}),
          },
        }),
      },
      () => this.bus.request(contracts.panicNode, { id, by: who.actor }, { timeoutMs }),
    );
  }
}
