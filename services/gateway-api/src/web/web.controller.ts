import { Controller, Get, Inject, Res } from '@nestjs/common';
import { CONFIG } from '@ensemble/shared';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyReply } from 'fastify';
import type { GatewayConfig } from '../config.js';

/** Serves the web app's entry page (the React app replaces the placeholder in a later issue). */
@Controller()
export class WebController {
  private readonly dir: string;
  constructor(@Inject(CONFIG) config: GatewayConfig) {
    this.dir = config.WEB_DIR ?? join(process.cwd(), 'web', 'public');
  }

  @Get()
  async index(@Res() reply: FastifyReply): Promise<void> {
    const html = await readFile(join(this.dir, 'index.html'), 'utf8').catch(
      () => '<!doctype html><title>Ensemble</title><h1>Ensemble</h1>',
    );
    void reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('x-content-type-options', 'nosniff')
      .send(html);
  }
}
