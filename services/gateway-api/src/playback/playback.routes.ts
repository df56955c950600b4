import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sessionCookie } from './playback-tokens.js';
import { PlaybackService } from './playback.service.js';

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
    private readonly host: HttpAdapterHost,
    private readonly playback: PlaybackService,
  ) {}

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
  }

  private async serve(format: string, index: string, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const { recordId = '', '*': rest = '' } = req.params as { recordId?: string; '*'?: string };
    const query = req.query as { token?: unknown };
    const path = rest === '' ? index : rest;
    const result = await this.playback.read(
      format,
      recordId,
      path,
      {
        linkToken: typeof query.token === 'string' ? query.token : undefined,
        sessionToken: cookieValue(req.headers.cookie, sessionCookie(recordId)),
      },
      { range: req.headers.range, head: req.method === 'HEAD' },
    );
    void reply.header('x-content-type-options', 'nosniff');
    if (!result.found) {
      await reply
        .status(404)
        .header('cache-control', 'no-store')
        .send({ error: { code: 'not-found', message: 'no such recording file' } });
      return;
    }
    if (result.session) {
      // The player loads the files without the link's token: the cookie carries the access.
      void reply.header(
        'set-cookie',
        `${sessionCookie(recordId)}=${result.session}; Path=/; Max-Age=${this.sessionTtl(result.session)}; HttpOnly; SameSite=Lax${req.protocol === 'https' ? '; Secure' : ''}`,
      );
    }
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
      .header('cache-control', this.playback.protected ? 'private, max-age=300' : 'public, max-age=300');
    if (o.contentRange) void reply.header('content-range', o.contentRange);
    if (o.etag) void reply.header('etag', o.etag);
    if (o.lastModified) void reply.header('last-modified', o.lastModified.toUTCString());
    await reply.send(o.body ?? '');
  }

  private sessionTtl(token: string): number {
    return Math.max(0, Number(token.split('.')[0]) - Math.floor(Date.now() / 1000));
  }
}
