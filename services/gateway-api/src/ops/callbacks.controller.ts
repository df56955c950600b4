import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { CALLBACK_STATES, callbacksQuerySchema, type CallbackState, type CallbacksPage } from '@ensemble/contracts';
import { CallbackDeliveryService } from '../callbacks/callback-delivery.service.js';
import { parseInput } from '../http/parse.js';
import { OpsTokenGuard } from './ops-token.guard.js';

/**
 * `GET /api/ops/callbacks`: outbound callbacks not delivered yet (pending, retrying) and those
 * given up (dead, dropped), newest first; `state=failed` is the last two (decision 113). A
 * callback shows its URL's host only, never its path, query or body.
 */
@Controller('api/ops/callbacks')
@UseGuards(OpsTokenGuard)
export class CallbacksController {
  constructor(private readonly callbacks: CallbackDeliveryService) {}

  @Get()
  async list(@Query() query: unknown): Promise<CallbacksPage> {
    const q = parseInput(callbacksQuerySchema, query, 'query');
    const all = await this.callbacks.delivery.list();
    const counts = Object.fromEntries(CALLBACK_STATES.map((s) => [s, 0])) as Record<CallbackState, number>;
    for (const c of all) counts[c.state]++;
    const wanted = (state: CallbackState) =>
      q.state === undefined || q.state === state || (q.state === 'failed' && (state === 'dead' || state === 'dropped'));
    const callbacks = all
      .filter((c) => wanted(c.state) && (q.kind === undefined || c.kind === q.kind))
      .slice(0, q.limit);
    return { callbacks, counts };
  }
}
