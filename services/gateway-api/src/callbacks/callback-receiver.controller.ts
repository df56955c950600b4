import { Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CallbackIntake } from './callback-intake.service.js';

/**
 * `/bigbluebutton/callbacks/v1/<source>/<token>`, GET or POST: where nodes send the callbacks
 * Ensemble took over (decision 113). 200 once the callback is queued (BBB's end callback wants
 * exactly 200, else it retries); a token that does not open: 401, nothing queued.
 */
@Controller('bigbluebutton/callbacks/v1')
export class CallbackReceiverController {
  constructor(private readonly intake: CallbackIntake) {}

  @Get(':source/:token')
  @HttpCode(200)
  get(@Param('source') source: string, @Param('token') token: string, @Req() req: FastifyRequest) {
    return this.receive(source, token, req);
  }

  @Post(':source/:token')
  @HttpCode(200)
  post(@Param('source') source: string, @Param('token') token: string, @Req() req: FastifyRequest) {
    return this.receive(source, token, req);
  }

  private async receive(source: string, token: string, req: FastifyRequest): Promise<{ ok: true; outcome: string }> {
    const url = req.raw.url ?? '';
    const q = url.indexOf('?');
    const outcome = await this.intake.receive({
      source,
      token,
      query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
      body: req.body,
    });
    return { ok: true, outcome };
  }
}
