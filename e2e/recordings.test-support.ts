import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { XMLParser } from 'fast-xml-parser';
import { Client } from 'pg';
import { startObjectStorage, waitFor, type ObjectStorageServer } from '@ensemble/testing';
import { FleetStack } from './fleet-stack.test-support.js';

/** The scripts the Terraform module installs in every node's post_publish directory (decision 101). */
export const POST_PUBLISH = fileURLToPath(new URL('../infra/terraform/files/post_publish/', import.meta.url));
export const UPLOADER = join(POST_PUBLISH, 'ensemble-recording-upload.sh');
export const RECORDINGS_API_SECRET = 'recordings-bbb-secret-0123456789';

const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: true });

/**
 * A fleet whose node (bbb-1) publishes recordings and hands them over with the real
 * post_publish script, into a gateway with the local S3 server and PostgreSQL
 * (decisions 101-102): what the recordings e2e specs share.
 */
export class RecordingsStack {
  readonly stack = new FleetStack();
  storage!: ObjectStorageServer;
  s3!: S3Client;
  bucket!: string;
  readonly dir = mkdtempSync(join(tmpdir(), 'ensemble-rec-e2e-'));
  readonly conf = join(this.dir, 'recording-upload.conf');
  /** The uploader's environment on the node (as cloud-init sets it up). */
  readonly env = {
    ENSEMBLE_RECORDING_CONF: this.conf,
    BBB_PUBLISHED_DIR: join(this.dir, 'nodes/bbb-1/var/bigbluebutton/published'),
    ENSEMBLE_STATE_DIR: join(this.dir, 'state'),
    ENSEMBLE_UPLOAD_ATTEMPTS: '2',
    ENSEMBLE_UPLOAD_BACKOFF_S: '0',
  };
  private lecture = 0;

  async start(
    opts: { videoBytes?: number; gateway?: Record<string, string>; scheduler?: Record<string, string> } = {},
  ): Promise<this> {
    this.storage = await startObjectStorage();
    this.bucket = await this.storage.createBucket();
    this.s3 = new S3Client(this.storage.clientConfig());
    await this.stack.start({
      nodes: 1,
      sim: {
        recordings: {
          dataDir: join(this.dir, 'nodes'),
          processingMs: 50,
          postPublishDir: POST_PUBLISH,
          postPublishEnv: this.env,
          videoBytes: opts.videoBytes ?? 12 << 20,
        },
      },
      ...(opts.scheduler ? { scheduler: opts.scheduler } : {}),
      gateway: {
        S3_ENDPOINT: this.storage.url,
        S3_REGION: this.storage.region,
        S3_BUCKET: this.bucket,
        S3_ACCESS_KEY_ID: this.storage.accessKeyId,
        S3_SECRET_ACCESS_KEY: this.storage.secretAccessKey,
        BBB_API_SECRET: RECORDINGS_API_SECRET,
        ...opts.gateway,
      },
    });
    // As an operator puts the token the registration showed once on the node.
    this.writeConf(this.token());
    return this;
  }

  async stop(): Promise<void> {
    this.s3?.destroy();
    await this.stack.stop();
    await this.storage?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  node() {
    return this.stack.sim.nodes[0]!;
  }
  token(): string {
    return this.stack.recordingTokens.get('bbb-1')!;
  }
  writeConf(token: string): void {
    writeFileSync(this.conf, `ENSEMBLE_URL=${this.stack.gateway.url}\nENSEMBLE_NODE_TOKEN=${token}\n`, { mode: 0o600 });
  }

  async sql<T>(text: string, values: unknown[] = []): Promise<T[]> {
    const c = new Client({ connectionString: this.stack.postgres.url });
    await c.connect();
    try {
      return (await c.query(text, values)).rows as T[];
    } finally {
      await c.end();
    }
  }
  async keys(prefix: string): Promise<string[]> {
    const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix }));
    return (page.Contents ?? []).map((o) => o.Key!);
  }
  async object(key: string): Promise<Buffer> {
    const o = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return Buffer.from(await o.Body!.transformToByteArray());
  }

  /**
   * A recorded meeting on the node, ended; resolves once the node's post_publish run is over
   * (transferred, unless the gateway or storage refused it). Calls the node's own API.
   * `meetingID`: e.g. a web room's `web-<roomId>`, for its room's recordings.
   */
  async recordLecture(
    meta: Record<string, string> = { meta_course: 'm1' },
    meetingID = `lecture-${++this.lecture}`,
  ): Promise<string> {
    const n = this.node();
    const call = async (api: string, params: Record<string, string>) => {
      const q = new URLSearchParams(params).toString();
      const checksum = createHash('sha1').update(`${api}${q}${n.secret}`).digest('hex');
      return fetch(`${n.apiUrl}${api}?${q}&checksum=${checksum}`, { redirect: 'manual' });
    };
    const created = await (
      await call('create', { meetingID, name: `Lecture ${this.lecture}`, record: 'true', ...meta })
    ).text();
    const id = /<internalMeetingID>([^<]+)</.exec(created)![1]!;
    const joined = await call('join', { meetingID, fullName: 'Ada', role: 'MODERATOR' });
    await fetch(joined.headers.get('location')!);
    n.setRecording(meetingID, true);
    await call('end', { meetingID });
    await waitFor('the post_publish run', () => n.postPublishRuns().some((x) => x.recordID === id), {
      timeoutMs: 30_000,
    });
    return id;
  }

  /** A BBB API call to the gateway, signed with its secret: the body and `<response>` as an object. */
  async bbb(
    call: string,
    params: Array<[string, string]> = [],
  ): Promise<{ body: string; xml: Record<string, unknown> }> {
    const q = new URLSearchParams(params).toString();
    const checksum = createHash('sha1').update(`${call}${q}${RECORDINGS_API_SECRET}`).digest('hex');
    const res = await fetch(
      `${this.stack.gateway.url}/bigbluebutton/api/${call}?${q}${q ? '&' : ''}checksum=${checksum}`,
    );
    const body = await res.text();
    return { body, xml: (parser.parse(body) as { response: Record<string, unknown> }).response };
  }
}

/** The `<recording>` elements of a getRecordings answer, as objects. */
export function listed(xml: Record<string, unknown>): Array<Record<string, unknown>> {
  const list = xml.recordings as { recording?: unknown } | string;
  const items = typeof list === 'object' && list && 'recording' in list ? list.recording : [];
  return (Array.isArray(items) ? items : [items]) as Array<Record<string, unknown>>;
}
