import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { CreateBucketCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { freePort } from './free-port.js';
import { ServerProcess } from './server-process.js';
import type { TestServer } from './servers.js';

export interface ObjectStorageServer extends TestServer {
  /** The S3 endpoint (path-style: `<url>/<bucket>/<key>`). */
  url: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** What the AWS SDK's S3Client needs to talk to this server. */
  clientConfig(): S3ClientConfig;
  /** Creates a bucket through the S3 API (a fresh name when none is given); its name. */
  createBucket(name?: string): Promise<string>;
}

const serverScript = createRequire(import.meta.url).resolve('@ensemble/object-storage/server.mjs');

/**
 * A real S3-compatible server process (tools/object-storage: s3rver with SigV4 checks and
 * one key pair; decision 100) on a free loopback port, its objects in a private temp dir.
 * `process.stop()` / `process.start()` take storage away and bring it back with its data.
 */
export async function startObjectStorage(): Promise<ObjectStorageServer> {
  const port = await freePort();
  const accessKeyId = `ENSEMBLETEST${randomBytes(4).toString('hex').toUpperCase()}`;
  const secretAccessKey = randomBytes(24).toString('base64url');
  const proc = await new ServerProcess('object-storage', port, (dir) => ['--port', String(port), '--dir', dir], {
    nodeScript: serverScript,
    env: { S3_ACCESS_KEY_ID: accessKeyId, S3_SECRET_ACCESS_KEY: secretAccessKey },
  }).start();
  const url = `http://127.0.0.1:${port}`;
  const region = 'fr-par';
  const clientConfig = (): S3ClientConfig => ({
    endpoint: url,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    // Checksums only where S3 requires them, as for Scaleway: the SDK's default streaming
    // checksum trailers (aws-chunked) are an AWS extension other S3 servers do not all take.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    url,
    port,
    region,
    accessKeyId,
    secretAccessKey,
    process: proc,
    stop: () => proc.dispose(),
    clientConfig,
    async createBucket(name = `test-${randomBytes(6).toString('hex')}`) {
      const client = new S3Client(clientConfig());
      try {
        await client.send(new CreateBucketCommand({ Bucket: name }));
      } finally {
        client.destroy();
      }
      return name;
    },
  };
}
