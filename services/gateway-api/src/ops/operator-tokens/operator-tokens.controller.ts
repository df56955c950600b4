import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import {
  createOperatorTokenBodySchema,
  operatorTokenIdSchema,
  type CreatedOperatorToken,
  type OperatorTokenList,
  type OperatorTokenView,
} from '@ensemble/contracts';
import type { FastifyRequest } from 'fastify';
import { parseInput } from '../../http/parse.js';
import { AuditLog } from '../audit-log.js';
import { auditActorOf } from '../operator.js';
import { OpsTokenGuard, WriteScope } from '../ops-token.guard.js';
import { OperatorTokenService } from './operator-token.service.js';

/**
 * `/api/ops/operators/tokens` (decision 122): personal operator tokens, managed by the shared
 * token or a write-scope token (a read-scope one may not even list them). A token is in the
 * answer that creates it only: never in a list, the audit record (its id and name are) or a log.
 */
@Controller('api/ops/operators/tokens')
@WriteScope()
@UseGuards(OpsTokenGuard)
export class OperatorTokensController {
  constructor(
    private readonly tokens: OperatorTokenService,
    private readonly audit: AuditLog,
  ) {}

  @Get()
  async list(): Promise<OperatorTokenList> {
    return { tokens: await this.tokens.list() };
  }

  @Post()
  @HttpCode(201)
  add(@Body() body: unknown, @Req() req: FastifyRequest): Promise<CreatedOperatorToken> {
    const b = parseInput(createOperatorTokenBodySchema, body);
    const who = auditActorOf(req);
    return this.audit.run(
      who,
      { action: 'operator-token.add', target: null, details: { ...b }, result: (t) => ({ target: t.id }) },
      () => this.tokens.create(b, who.actor),
    );
  }

  /** Refused at once on every gateway; revoking a revoked token answers it as it is. */
  @Delete(':id')
  revoke(@Param('id') raw: string, @Req() req: FastifyRequest): Promise<OperatorTokenView> {
    const id = parseInput(operatorTokenIdSchema, raw, 'id');
    return this.audit.run(auditActorOf(req), { action: 'operator-token.revoke', target: id, details: {} }, () =>
      this.tokens.revoke(id),
    );
  }
}
