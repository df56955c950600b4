import { randomUUID, createHash } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@ensemble/contracts';
import { CONFIG, LOGGER, type Logger } from '@ensemble/shared';
import type { GatewayConfig } from '../config.js';
import { MAX_METADATA_BYTES, parseRecordingMetadata, type RecordingMetadata } from './recording-metadata.js';
import { RecordingStorage } from './recording-storage.client.js';
import { RecordingTokenResolver } from './recording-token.resolver.js';
import { RecordingsRepository } from './recordings.repository.js';
import { RecordingReadyNotifier } from '../callbacks/recording-ready.notifier.js';
import { RECORDING_READY_META_KEY } from '../callbacks/callback-params.js';
import { RECORDING_STORAGE } from './recordings.tokens.js';
import { safeEntryPath } from './transfer-params.js';
import { tarFiles } from './tar-reader.js';

/** S3's largest single PUT: an unpacked file beyond it is refused. */
const MAX_FILE_BYTES = 5 * 1024 ** 3;

export interface TransferRequest {
  token: string;
  recordId: string;
  format: string;
  /** sha-256 of the body, hex (from Content-Digest). */
  digest: string;
  /** Content-Length, when sent. */
  length?: number;
  /** The body, read only once the token and the index have been checked. */
  body: () => AsyncIterable<Buffer>;
}

export type TransferOutcome =
  | { stored: false; recordId: string; format: string; digest: string }
  | { stored: true; recordId: string; format: string; digest: string; files: number; bytes: number };

export const stagingKey = () => `staging/${randomUUID()}`;
export const recordingPrefix = (recordId: string, format: string, digest: string) =>
  `recordings/${recordId}/${format}/${digest}/`;

/**
 * The receiving end of decision 101's upload (decision 102): authenticate the node, answer a
 * repeat at once, stage the body while hashing (all or nothing), unpack it content-addressed,
 * then one transaction makes the recording visible.
 */
@Injectable()
export class TransferService {
  constructor(
    @Inject(RECORDING_STORAGE) private readonly storage: RecordingStorage | null,
    private readonly tokens: RecordingTokenResolver,
    private readonly recordings: RecordingsRepository,
    private readonly recordingReady: RecordingReadyNotifier,
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * The integration's recording-ready callback, now that the recording is in storage
   * (decision 103). A failure to enqueue answers 503: the node retries, and its repeat
   * enqueues again.
   */
  private async tellReady(recordId: string, meetingId: string, metadata: Record<string, string>): Promise<void> {
    const url = metadata[RECORDING_READY_META_KEY];
    if (!url) return;
    try {
      await this.recordingReady.notify({ recordId, meetingId, url });
    } catch (e) {
      this.logger.warn('recording-ready callback not enqueued', { recordId, error: (e as Error).message });
      throw new DomainError('unavailable', 'the recording is stored; its callback could not be queued yet');
    }
  }

  async transfer(req: TransferRequest): Promise<TransferOutcome> {
    const storage = this.storage;
    if (!storage) throw new DomainError('unavailable', 'recordings storage is not configured (S3_BUCKET)');
    const nodeId = await this.tokens.nodeOf(req.token);
    if (!nodeId) throw new DomainError('unauthorized', 'unknown node upload token');
    const { recordId, format, digest } = req;
    if ((await this.recordings.digestOf(recordId, format)) === digest) {
      // A repeat may follow a transfer whose callback could not be enqueued: enqueue it again
      // (the stream keeps one per recording).
      const known = await this.recordings.get(recordId);
      if (known) await this.tellReady(recordId, known.meetingId, known.metadata);
      return { stored: false, recordId, format, digest };
    }
    if (req.length !== undefined && req.length > this.config.RECORDING_UPLOAD_MAX_BYTES) {
      throw new DomainError(
        'payload-too-large',
        `an upload is at most ${this.config.RECORDING_UPLOAD_MAX_BYTES} bytes`,
      );
    }

    const staged = stagingKey();
    await this.stage(storage, staged, req);
    try {
      const prefix = recordingPrefix(recordId, format, digest);
      const unpacked = await this.unpack(storage, staged, prefix, recordId);
      const m = unpacked.metadata;
      if (m.recordId !== recordId)
        throw new DomainError('invalid-input', `metadata.xml names ${m.recordId}, not ${recordId}`);
      if (m.playback.format !== format) {
        throw new DomainError('invalid-input', `metadata.xml is of format ${m.playback.format}, not ${format}`);
      }
      const replaced = await this.recordings.index(
        {
          recordId,
          meetingId: m.meetingId,
          internalMeetingId: m.internalMeetingId,
          name: m.name,
          state: m.published ? 'published' : 'unpublished',
          startTime: m.startTime,
          endTime: m.endTime,
          participants: m.participants,
          metadata: m.metadata,
          nodeId,
        },
        {
          format,
          digest,
          prefix,
          sizeBytes: unpacked.bytes,
          fileCount: unpacked.files,
          playbackPath: m.playback.linkPath,
          processingTimeMs: m.playback.processingTimeMs,
          lengthMs: m.playback.lengthMs,
        },
      );
      this.logger.info('recording stored', { recordId, format, nodeId, files: unpacked.files, bytes: unpacked.bytes });
      // The old version's objects go now; the sweeper removes them should this fail.
      if (replaced) await storage.deletePrefix(replaced).catch(() => undefined);
      await this.tellReady(recordId, m.meetingId, m.metadata);
      return { stored: true, recordId, format, digest, files: unpacked.files, bytes: unpacked.bytes };
    } finally {
      await storage.delete([staged]).catch(() => undefined);
    }
  }

  /** The body into `key` while hashing; aborted (nothing stored) on a short, cut, oversized or mismatching body. */
  private async stage(storage: RecordingStorage, key: string, req: TransferRequest): Promise<void> {
    const hash = createHash('sha256');
    let bytes = 0;
    const max = this.config.RECORDING_UPLOAD_MAX_BYTES;
    const counted = async function* () {
      const body = req.body()[Symbol.asyncIterator]();
      for (;;) {
        let next: IteratorResult<Buffer>;
        try {
          next = await body.next();
        } catch {
          // A cut connection: what arrived is not the archive the digest names.
          throw new DomainError('digest-mismatch', `the body ended after ${bytes} bytes`);
        }
        if (next.done) return;
        bytes += next.value.length;
        if (bytes > max) throw new DomainError('payload-too-large', `an upload is at most ${max} bytes`);
        hash.update(next.value);
        yield next.value;
      }
    };
    await storage.putStreaming(key, counted(), () => {
      if (req.length !== undefined && bytes !== req.length) {
        throw new DomainError('digest-mismatch', `body of ${bytes} bytes, Content-Length ${req.length}`);
      }
      if (hash.digest('hex') !== req.digest)
        throw new DomainError('digest-mismatch', 'the body does not match Content-Digest');
    });
  }

  /** The staged archive's files under `prefix` (bounded in count and size); its metadata.xml parsed. */
  private async unpack(
    storage: RecordingStorage,
    staged: string,
    prefix: string,
    recordId: string,
  ): Promise<{ files: number; bytes: number; metadata: RecordingMetadata }> {
    const source = await storage.get(staged);
    const gunzip = createGunzip();
    source.on('error', (e) => gunzip.destroy(e));
    const chunks = source.pipe(gunzip);
    let [files, bytes] = [0, 0];
    let metadata: RecordingMetadata | undefined;
    try {
      for await (const file of tarFiles(chunks)) {
        const rel = safeEntryPath(file.name, recordId);
        if (rel === null) {
          for await (const _ of file.body);
          continue;
        }
        files += 1;
        bytes += file.size;
        if (files > this.config.RECORDING_MAX_FILES) throw new DomainError('invalid-input', 'archive: too many files');
        if (file.size > MAX_FILE_BYTES || bytes > this.config.RECORDING_UNPACKED_MAX_BYTES) {
          throw new DomainError('payload-too-large', 'archive: unpacked size over the limit');
        }
        if (rel === 'metadata.xml') {
          if (file.size > MAX_METADATA_BYTES) throw new DomainError('invalid-input', 'metadata.xml: too large');
          const parts: Buffer[] = [];
          for await (const c of file.body) parts.push(Buffer.from(c));
          const data = Buffer.concat(parts);
          metadata = parseRecordingMetadata(data.toString('utf8'));
          await storage.put(prefix + rel, data, data.length, 'application/xml');
        } else {
          await storage.put(prefix + rel, Readable.from(file.body), file.size, contentTypeOf(rel));
        }
      }
    } catch (e) {
      if ((e as { code?: string }).code === 'Z_DATA_ERROR' || (e as { code?: string }).code === 'Z_BUF_ERROR') {
        throw new DomainError('invalid-input', 'archive: not gzip');
      }
      throw e;
    } finally {
      source.destroy();
    }
    if (!metadata) throw new DomainError('invalid-input', `archive: no ${recordId}/metadata.xml`);
    return { files, bytes, metadata };
  }
}

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript',
  css: 'text/css',
  json: 'application/json',
  xml: 'application/xml',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webm: 'video/webm',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  txt: 'text/plain; charset=utf-8',
  vtt: 'text/vtt',
};
/** What the playback will serve it as. */
const contentTypeOf = (path: string) =>
  TYPES[path.slice(path.lastIndexOf('.') + 1).toLowerCase()] ?? 'application/octet-stream';
