import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { auditQuerySchema, type AuditPage } from '@ensemble/contracts';
import { parseInput } from '../http/parse.js';
import { AuditRepository } from './audit.repository.js';
import { OpsTokenGuard } from './ops-token.guard.js';

/** `GET /api/ops/audit`: who did what, when, from where; newest first, `before` pages on. */
@Controller('api/ops/audit')
@UseGuards(OpsTokenGuard)
export class AuditController {
  constructor(private readonly audit: AuditRepository) {}

  @Get()
  list(@Query() query: unknown): Promise<AuditPage> {
    return this.audit.page(parseInput(auditQuerySchema, query, 'query'));
  }
}
