import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { DomainError, type ErrorCode } from '@ensemble/contracts';
import { type Logger } from '@ensemble/shared';
import type { FastifyReply } from 'fastify';

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'invalid-input',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'not-found',
  409: 'conflict',
  429: 'rate-limited',
  413: 'payload-too-large',
  415: 'invalid-input',
  503: 'unavailable',
};

/**
 * The one place HTTP errors are shaped: `{ error: { code, message } }`.
 * Domain errors keep their code; Nest/Fastify errors (bad JSON, too large,
 * unknown route) get the matching code; anything else is a logged 500.
 */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, code, message } = this.describe(exception);
    if (status >= 500 && code === 'internal') this.logger.error('unhandled error', { error: exception });
    if (code === 'unavailable' || code === 'no-capacity') void reply.header('retry-after', '5');
    if (code === 'rate-limited') void reply.header('retry-after', '60');
    void reply
      .status(status)
      .header('content-type', 'application/json; charset=utf-8')
      .send({ error: { code, message } });
  }

  private describe(e: unknown): { status: number; code: ErrorCode; message: string } {
    if (e instanceof DomainError) return { status: e.httpStatus, code: e.code, message: e.message };
    const status =
      e instanceof HttpException
        ? e.getStatus()
        : typeof (e as { statusCode?: unknown })?.statusCode === 'number'
          ? (e as { statusCode: number }).statusCode
          : 500;
    const code = BY_STATUS[status] ?? (status < 500 ? 'invalid-input' : 'internal');
    const message =
      status >= 500 ? 'internal error' : code === 'payload-too-large' ? 'request body too large' : safeMessage(e);
    return { status: status >= 500 && code !== 'unavailable' ? 500 : status, code, message };
  }
}

function safeMessage(e: unknown): string {
  const m = e instanceof HttpException ? e.message : (e as { message?: unknown })?.message;
  return typeof m === 'string' ? m.slice(0, 300) : 'bad request';
}
