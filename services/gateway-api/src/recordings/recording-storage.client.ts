import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type _Object,
} from '@aws-sdk/client-s3';
import { DomainError } from '@ensemble/contracts';
import type { Readable } from 'node:stream';
import type { StorageSettings } from './recordings.config.js';

/** S3's smallest part but the last; parts are sent one at a time, so this bounds memory per upload. */
export const PART_BYTES = 8 * 1024 * 1024;
/** Each storage call's deadline: a hung storage must not hold an upload forever. */
const CALL_TIMEOUT_MS = 120_000;

/** A storage failure as the domain sees it: retryable, and the node keeps its copy meanwhile. */
const unavailable = (e: unknown): never => {
  if (e instanceof DomainError) throw e;
  throw new DomainError('unavailable', `object storage unavailable: ${(e as Error)?.name ?? 'error'}`);
};

/** An object read for playback; `body` absent for HEAD. */
export interface StoredObject {
  body?: Readable | undefined;
  length: number;
  contentType: string;
  contentRange?: string;
  etag?: string;
  lastModified?: Date;
}

/**
 * The recordings bucket through the S3 API (path-style, as Scaleway and the local server
 * take it). Every failure of storage itself becomes `unavailable`; errors thrown by the
 * caller's own stream (a short body, a digest check) pass through after the upload is aborted.
 */
export class RecordingStorage {
  private readonly s3: S3Client;
  readonly bucket: string;

  constructor(settings: StorageSettings) {
    this.bucket = settings.bucket;
    this.s3 = new S3Client({
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      region: settings.region,
      forcePathStyle: true,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      // No aws-chunked checksum trailers: not every S3-compatible server takes them (decision 100).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 2,
    });
  }

  destroy(): void {
    this.s3.destroy();
  }

  /** Each call with its deadline; a failure of storage itself is `unavailable`. */
  private get opts() {
    return { abortSignal: AbortSignal.timeout(CALL_TIMEOUT_MS) };
  }

  /**
   * Streams `chunks` into `key` as a multipart upload, one part in memory at a time.
   * `verify` runs after the last chunk, before completion: if it (or the stream) throws,
   * the upload is aborted and no object appears.
   */
  async putStreaming(key: string, chunks: AsyncIterable<Buffer>, verify: () => void): Promise<void> {
    const { UploadId } = await this.s3
      .send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key }), this.opts)
      .catch(unavailable);
    const parts: { ETag: string; PartNumber: number }[] = [];
    try {
      let pending: Buffer[] = [];
      let size = 0;
      const flush = async () => {
        const PartNumber = parts.length + 1;
        const Body = Buffer.concat(pending, size);
        [pending, size] = [[], 0];
        const r = await this.s3
          .send(new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId, PartNumber, Body }), this.opts)
          .catch(unavailable);
        parts.push({ ETag: r.ETag ?? '', PartNumber });
      };
      for await (const chunk of chunks) {
        pending.push(chunk);
        size += chunk.length;
        if (size >= PART_BYTES) await flush();
      }
      if (size > 0 || parts.length === 0) await flush();
      verify();
      await this.s3
        .send(
          new CompleteMultipartUploadCommand({
            Bucket: this.bucket,
            Key: key,
            UploadId,
            MultipartUpload: { Parts: parts },
          }),
          this.opts,
        )
        .catch(unavailable);
    } catch (e) {
      // Best effort: a left-over upload holds no visible object (and a bucket lifecycle rule ends it).
      await this.s3
        .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId }), this.opts)
        .catch(() => undefined);
      throw e;
    }
  }

  async put(key: string, body: Readable | Buffer, length: number, contentType?: string): Promise<void> {
    await this.s3
      .send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentLength: length,
          ...(contentType ? { ContentType: contentType } : {}),
        }),
        this.opts,
      )
      .catch(unavailable);
  }

  async get(key: string): Promise<Readable> {
    const r = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), this.opts).catch(unavailable);
    return r.Body as Readable;
  }

  /**
   * One object for playback, whole or a byte range (`bytes=...` as the client sent it):
   * undefined when there is no such key, `unsatisfiable` for a range past its end.
   */
  async read(key: string, range?: string, head = false): Promise<StoredObject | 'unsatisfiable' | undefined> {
    const input = { Bucket: this.bucket, Key: key, ...(range ? { Range: range } : {}) };
    try {
      const r = head
        ? await this.s3.send(new HeadObjectCommand(input), this.opts)
        : await this.s3.send(new GetObjectCommand(input), this.opts);
      return {
        body: 'Body' in r ? (r.Body as Readable) : undefined,
        length: r.ContentLength ?? 0,
        // Set at the transfer from the file's name (what the playback serves it as).
        contentType: r.ContentType ?? 'application/octet-stream',
        ...(r.ContentRange ? { contentRange: r.ContentRange } : {}),
        ...(r.ETag ? { etag: r.ETag } : {}),
        ...(r.LastModified ? { lastModified: r.LastModified } : {}),
      };
    } catch (e) {
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404) return undefined;
      if (status === 416) return 'unsatisfiable';
      return unavailable(e);
    }
  }

  /** Every object under `prefix`, page by page. */
  async *list(prefix: string): AsyncGenerator<_Object> {
    let ContinuationToken: string | undefined;
    do {
      const page = await this.s3
        .send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken }), this.opts)
        .catch(unavailable);
      yield* page.Contents ?? [];
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  /** Deletes these keys, a thousand per call (S3's limit). */
  async delete(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const Objects = keys.slice(i, i + 1000).map((Key) => ({ Key }));
      await this.s3
        .send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects, Quiet: true } }), this.opts)
        .catch(unavailable);
    }
  }

  /** Deletes every object under `prefix`. */
  async deletePrefix(prefix: string): Promise<void> {
    const keys: string[] = [];
    for await (const o of this.list(prefix)) if (o.Key) keys.push(o.Key);
    await this.delete(keys);
  }
}
