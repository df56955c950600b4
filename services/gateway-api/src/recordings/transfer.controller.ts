import { Controller, Headers, Param, Put, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseInput } from '../http/parse.js';
import { bearerOf, formatSchema, recordIdSchema, sha256OfContentDigest } from './transfer-params.js';
import { TransferService } from './transfer.service.js';

/**
 * `PUT /api/recordings/transfer/v1/:recordId/:format` (decision 101): a node's published
 * recording format as a tar.gz, streamed (never buffered: see RecordingsModule's parser).
 * 201 stored, 200 already held (the body is not read), 401 unknown token, 400
 * `digest-mismatch` with nothing stored, 503 storage unavailable (the node retries).
 */
@Controller('api/recordings/transfer/v1')
export class TransferController {
  constructor(private readonly transfers: TransferService) {}

  @Put(':recordId/:format')
  async transfer(
    @Param('recordId') rawRecordId: string,
    @Param('format') rawFormat: string,
    @Headers('authorization') authorization: string | undefined,
    @Headers('content-digest') contentDigest: string | undefined,
    @Headers('content-length') contentLength: string | undefined,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const token = bearerOf(authorization);
    const recordId = parseInput(recordIdSchema, rawRecordId, 'recordId');
    const format = parseInput(formatSchema, rawFormat, 'format');
    const digest = sha256OfContentDigest(contentDigest);
    const length = contentLength !== undefined && /^\d+$/.test(contentLength) ? Number(contentLength) : undefined;
    const outcome = await this.transfers.transfer({
      token,
      recordId,
      format,
      digest,
      ...(length !== undefined ? { length } : {}),
      body: () => req.body as AsyncIterable<Buffer>,
    });
    void reply.status(outcome.stored ? 201 : 200);
    return outcome;
  }
}
