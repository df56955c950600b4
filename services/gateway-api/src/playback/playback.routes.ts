import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CONFIG } from '@ensemble/shared';
import type { GatewayConfig } from '../config.js';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AccountsService } from '../accounts/accounts.service.js';
import { sessionTokenOf } from '../accounts/session-cookie.js';
import { WebTenants } from '../accounts/web-tenant.js';
import { sessionCookie } from './playback-tokens.js';
import { PlaybackService, safePath } from './playback.service.js';

const PLAYER = '/playback/presentation/2.3';
const PLAYER_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  woff2: 'font/woff2',
};

/**
 * Where BBB's player and formats load a recording's files (BBB's web root layout):
 * `/<format>/<record id>/<path>` for every format (the presentation player fetches
 * `/presentation/<id>/metadata.xml`, `shapes.svg`, `video/webcams.webm`...), and the video
 * format's own link `/playback/video/<id>/`.
 */
export const PLAYBACK_FORMATS = ['presentation', 'video', 'podcast', 'notes', 'screenshare'] as const;

const cookieValue = (header: string | undefined, name: string): string | undefined =>
  header
    ?.split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${name}=`))
    ?.slice(name.length + 1);

/** GET and HEAD with Range, streamed from storage (decision 104). */
@Injectable()
export class PlaybackRoutes implements OnModuleInit {
  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    private readonly host: HttpAdapterHost,
    private readonly playback: PlaybackService,
    private readonly accounts: AccountsService,
    private readonly tenants: WebTenants,
  ) {}

  /** The web app's signed-in user of this request on its host's tenant: a private room's recordings ask (decision 125). */
  private signedInUser(req: FastifyRequest) {
    return async () => (await this.accounts.userOf(this.tenants.of(req), sessionTokenOf(req)))?.id ?? null;
  }

  onModuleInit(): void {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    const route = (url: string, format: string, index: string) =>
      fastify.route({
        method: ['GET', 'HEAD'],
        url,
        handler: (req, reply) => this.serve(format, index, req, reply),
      });
    for (const format of PLAYBACK_FORMATS) route(`/${format}/:recordId/*`, format, '');
    route('/playback/video/:recordId/*', 'video', 'index.html');
    route('/playback/video/:recordId', 'video', 'index.html');
    fastify.route({ method: ['GET', 'HEAD'], url: `${PLAYER}/*`, handler: (req, reply) => this.player(req, reply) });
  }

  private access(req: FastifyRequest, recordId: string) {
    const query = req.query as { token?: unknown };
    return {
      linkToken: typeof query.token === 'string' ? query.token : undefined,
      sessionToken: cookieValue(req.headers.cookie, sessionCookie(recordId)),
    };
  }

  /**
   * BBB's presentation link `/playback/presentation/2.3/<record id>`: the player's own files
   * when the path names one, else the player's page for a recording the request may open
   * (for a protected recording this is where the link's token becomes the session cookie).
   */
  private async player(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const rest = ((req.params as { '*'?: string })['*'] ?? '').replace(/\/+$/, '');
    const dir = this.config.RECORDINGS_PLAYER_DIR;
    const asset = dir && safePath(rest) ? await this.file(join(dir, rest)) : undefined;
    if (asset) return this.sendFile(reply, join(dir!, rest), asset, 'public, max-age=86400');
    const opened = await this.playback.open('presentation', rest, this.access(req, rest), this.signedInUser(req));
    const page = opened && dir ? await this.file(join(dir, 'index.html')) : undefined;
    if (!opened || !page) {
      await reply
        .status(404)
        .header('cache-control', 'no-store')
        .send({ error: { code: 'not-found', message: 'no such recording' } });
      return;
    }
    if (opened.session) this.setSession(req, reply, rest, opened.session);
    return this.sendFile(reply, join(dir!, 'index.html'), page, 'no-store');
  }

  private async file(path: string): Promise<number | undefined> {
    const s = await stat(path).catch(() => undefined);
    return s?.isFile() ? s.size : undefined;
  }

  private async sendFile(reply: FastifyReply, path: string, size: number, cache: string): Promise<void> {
    const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase() ?? '';
    void reply
      .header('content-type', PLAYER_TYPES[ext] ?? 'application/octet-stream')
      .header('content-length', String(size))
      .header('cache-control', cache)
      .header('x-content-type-options', 'nosniff');
    await reply.send(reply.request.method === 'HEAD' ? '' : createReadStream(path));
  }

  private setSession(req: FastifyRequest, reply: FastifyReply, recordId: string, session: string): void {
    // The player loads the files without the link's token: the cookie carries the access.
    const ttl = Math.max(0, Number(session.split('.')[0]) - Math.floor(Date.now() / 1000));
    void reply.header(
      'set-cookie',
      `${sessionCookie(recordId)}=${session}; Path=/; Max-Age=${ttl}; HttpOnly; SameSite=Lax${req.protocol === 'https' ? '; Secure' : ''}`,
    );
  }

  private async serve(format: string, index: string, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const { recordId = '', '*': rest = '' } = req.params as { recordId?: string; '*'?: string };
    const path = rest === '' ? index : rest;
    const result = await this.playback.read(
      format,
      recordId,
      path,
      this.access(req, recordId),
      { range: req.headers.range, head: req.method === 'HEAD' },
      this.signedInUser(req),
    );
    void reply.header('x-content-type-options', 'nosniff');
    if (!result.found) {
      await reply
        .status(404)
        .header('cache-control', 'no-store')
        .send({ error: { code: 'not-found', message: 'no such recording file' } });
      return;
    }
    if (result.session) this.setSession(req, reply, recordId, result.session);
    if (result.object === 'unsatisfiable') {
      await reply.status(416).header('cache-control', 'no-store').send();
      return;
    }
    const o = result.object;
    void reply
      .status(o.contentRange ? 206 : 200)
      .header('content-type', o.contentType)
      .header('content-length', String(o.length))
      .header('accept-ranges', 'bytes')
      // Unpublishing must take effect soon: short shared caching, private when protected.
      .header('cache-control', result.protected ? 'private, max-age=300' : 'public, max-age=300');
    if (o.contentRange) void reply.header('content-range', o.contentRange);
    if (o.etag) void reply.header('etag', o.etag);
    if (o.lastModified) void reply.header('last-modified', o.lastModified.toUTCString());
    await reply.send(o.body ?? '');
  }
}
