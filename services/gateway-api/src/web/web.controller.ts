import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { DomainError } from '@ensemble/contracts';
import { CONFIG } from '@ensemble/shared';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayConfig } from '../config.js';
import { indexStaticFiles, type StaticFile } from './static-files.js';

/** Paths that belong to the API side: never answered with the app. */
const NOT_APP = /^\/(api|metrics|healthz|livez|readyz|bigbluebutton)(\/|$)/;
const NOT_BUILT =
  '<!doctype html><title>Ensemble</title><h1>Ensemble</h1><p>The web app is not built: run <code>node scripts/build.mjs</code>.</p>';

/**
 * Serves the React app (web/dist): its files with their types and cache headers,
 * and index.html for every other page path (/, /login, /rooms, /j/:token...).
 */
@Controller()
export class WebController {
  private readonly files: Map<string, StaticFile>;
  private readonly index: Promise<string>;

  constructor(@Inject(CONFIG) config: GatewayConfig) {
    const dir = config.WEB_DIR ?? fileURLToPath(new URL('../../../../web/dist/', import.meta.url));
    this.files = indexStaticFiles(dir);
    const entry = this.files.get('/index.html');
    this.index = entry ? readFile(entry.path, 'utf8') : Promise.resolve(NOT_BUILT);
    this.index.catch(() => undefined);
  }

  @Get('*')
  async serve(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const path = decodePath(req.url);
    if (NOT_APP.test(path)) throw new DomainError('not-found', `no route ${req.method} ${path}`);
    const file = this.files.get(path);
    secure(reply);
    if (file && path !== '/index.html') {
      void reply
        .header('content-type', file.type)
        .header('content-length', file.size)
        .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
        .send(createReadStream(file.path));
      return;
    }
    if (/\.[a-z0-9]+$/i.test(path)) throw new DomainError('not-found', `no file ${path}`);
    void reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(await this.index.catch(() => NOT_BUILT));
  }
}

function decodePath(url: string): string {
  const path = url.split('?')[0] ?? '/';
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** No sniffing, no framing, and no Referer: a join page's URL holds its link token. */
function secure(reply: FastifyReply): void {
  void reply
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header(
      'content-security-policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
}
