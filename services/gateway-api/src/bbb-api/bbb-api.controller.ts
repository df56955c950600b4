import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BbbApiService } from './bbb-api.service.js';
import type { BbbAnswer } from './bbb-answer.js';

/** `/bigbluebutton/api[/<call>]`, GET or POST: thin, the service answers. */
@Controller('bigbluebutton/api')
export class BbbApiController {
  constructor(private readonly api: BbbApiService) {}

  @Get()
  rootGet(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.serve('', req, reply);
  }

  @Post()
  rootPost(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.serve('', req, reply);
  }

  @Get(':call')
  get(@Param('call') call: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.serve(call, req, reply);
  }

  @Post(':call')
  post(@Param('call') call: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.serve(call, req, reply);
  }

  private serve(call: string, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    return serveBbb(this.api, call, req, reply);
  }
}

/**
 * Reads the raw call off the request and sends BBB's answer (also used for `/bigbluebutton/api/`
 * and the tenant paths `/t/<tenant>/bigbluebutton/api[/<call>]`).
 */
export async function serveBbb(
  api: BbbApiService,
  call: string,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const url = req.raw.url ?? '';
  const q = url.indexOf('?');
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const body = req.method === 'POST' && typeof req.body === 'string' ? req.body : '';
  const answer = await api.handle({
    call,
    path: q < 0 ? url : url.slice(0, q),
    host: req.host,
    rawQuery: q < 0 ? '' : url.slice(q + 1),
    rawForm: type === 'application/x-www-form-urlencoded' ? body : '',
    xml: body !== '' && type.endsWith('xml') ? { body, contentType: type } : undefined,
    origin: `${req.protocol}://${req.host}`,
  });
  send(reply, answer);
}

function send(reply: FastifyReply, answer: BbbAnswer): void {
  void reply.status(answer.status).headers(answer.headers).send(answer.body);
}
