import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimNode } from '@ensemble/bbb-sim';
import { Client } from 'pg';
import { startObjectStorage, type ObjectStorageServer } from '@ensemble/testing';
import { ProvisionerHarness } from '../services/provisioner/src/provisioner-harness.test-support.js';
import { FleetStack } from './fleet-stack.test-support.js';
import { POST_PUBLISH, UPLOADER } from './recordings.test-support.js';

export { POST_PUBLISH, UPLOADER };

// A fleet whose nodes record and hand over (scale-in and removal waiting for recordings,
// decision 105); the transfer's own stack is recordings.test-support.ts.

/** The uploader's environment under a test dir: its conf file, its state, two quick attempts. */
export const uploaderEnv = (dir: string) => ({
  ENSEMBLE_RECORDING_CONF: join(dir, 'recording-upload.conf'),
  ENSEMBLE_STATE_DIR: join(dir, 'state'),
  ENSEMBLE_UPLOAD_ATTEMPTS: '2',
  ENSEMBLE_UPLOAD_BACKOFF_S: '0',
});

/** A BBB API call signed with the node's secret (sha1), straight to the sim node. */
export function callNode(n: SimNode, api: string, params: Record<string, string>): Promise<Response> {
  const q = new URLSearchParams(params).toString();
  const checksum = createHash('sha1').update(`${api}${q}${n.secret}`).digest('hex');
  return fetch(`${n.apiUrl}${api}?${q}&checksum=${checksum}`, { redirect: 'manual' });
}

/**
 * A recorded meeting: created with record=true, joined, recording marks set, ended (BBB then
 * processes it). Answers its record id (the internal meeting id).
 */
export async function recordMeeting(
  n: SimNode,
  meetingID: string,
  params: Record<string, string> = {},
): Promise<string> {
  const created = await (await callNode(n, 'create', { meetingID, name: meetingID, record: 'true', ...params })).text();
  const id = /<internalMeetingID>([^<]+)</.exec(created)![1]!;
  const joined = await callNode(n, 'join', { meetingID, fullName: 'Ada', role: 'MODERATOR' });
  await fetch(joined.headers.get('location')!);
  n.setRecording(meetingID, true);
  await callNode(n, 'end', { meetingID });
  return id;
}

/** The gateway's S3_* settings for a bucket of the local object storage. */
export const gatewayStorageEnv = (storage: ObjectStorageServer, bucket: string) => ({
  S3_ENDPOINT: storage.url,
  S3_REGION: storage.region,
  S3_BUCKET: bucket,
  S3_ACCESS_KEY_ID: storage.accessKeyId,
  S3_SECRET_ACCESS_KEY: storage.secretAccessKey,
});

/**
 * Sim nodes as a past scale-out left them for the stand-in terraform: in the node map
 * (`nodes.auto.tfvars.json`) and in its state, so a scale-in run destroys them.
 */
export function provisionedEarlier(terraformDir: string, nodes: readonly SimNode[]): void {
  const map = Object.fromEntries(nodes.map((n) => [n.id, { offer: 'DEV1-S', zone: 'fr-par-1' }]));
  writeFileSync(join(terraformDir, 'nodes.auto.tfvars.json'), JSON.stringify({ nodes: map }));
  const state = Object.fromEntries(
    nodes.map((n) => [
      n.id,
      { api_url: n.apiUrl, secret: n.secret, ipv4: '127.0.0.1', hostname: `${n.id}.example.org` },
    ]),
  );
  writeFileSync(join(terraformDir, 'stub.tfstate.json'), JSON.stringify({ nodes: state }));
}

/**
 * A FleetStack whose bbb-sim nodes record and run the real post_publish script against the
 * gateway (object storage behind it), with a provisioner on the same NATS and PostgreSQL
 * driving the stand-in terraform. One conf file serves every sim node: `tokenOn` puts a node's
 * upload token in it, as an operator puts it on that node.
 */
export class RecordingsFleet {
  readonly stack = new FleetStack();
  readonly h = new ProvisionerHarness();
  storage!: ObjectStorageServer;
  readonly dir = mkdtempSync(join(tmpdir(), 'ensemble-recfleet-'));
  readonly env = uploaderEnv(this.dir);

  async start(opts: { nodes: number; processingMs: number; provisioner?: Record<string, string> }): Promise<this> {
    this.storage = await startObjectStorage();
    await this.stack.start({
      nodes: opts.nodes,
      sim: {
        recordings: {
          dataDir: join(this.dir, 'nodes'),
          processingMs: opts.processingMs,
          postPublishDir: POST_PUBLISH,
          postPublishEnv: this.env,
        },
      },
      gateway: gatewayStorageEnv(this.storage, await this.storage.createBucket()),
    });
    this.h.dir.scenario('success');
    const { nats, redis, postgres } = this.stack;
    await this.h.start(opts.provisioner ?? {}, { nats, redis, postgres });
    return this;
  }

  sim(id: string): SimNode {
    return this.stack.sim.node(id)!;
  }

  tokenOn(id: string): void {
    const token = this.stack.recordingTokens.get(id)!;
    writeFileSync(
      this.env.ENSEMBLE_RECORDING_CONF,
      `ENSEMBLE_URL=${this.stack.gateway.url}\nENSEMBLE_NODE_TOKEN=${token}\n`,
      {
        mode: 0o600,
      },
    );
  }

  /** The index's rows of a record id (its state), from the gateway's PostgreSQL. */
  async indexed(recordId: string): Promise<{ state: string }[]> {
    const c = new Client({ connectionString: this.stack.postgres.url });
    await c.connect();
    try {
      return (await c.query('SELECT state FROM recordings WHERE record_id = $1', [recordId])).rows;
    } finally {
      await c.end();
    }
  }

  async stop(): Promise<void> {
    await this.h.stop({ keepServers: true });
    await this.stack.stop();
    await this.storage?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
