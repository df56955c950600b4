#!/usr/bin/env node
// A local S3-compatible server for the tests and `npm start` (decision 100): s3rver (the
// maintained @20minutes fork) serves the S3 REST API from a directory; in front of it, every
// request must carry a valid SigV4 signature by the one key pair given (sigv4.mjs): s3rver
// lets unsigned requests through and miscomputes some canonical URIs, so its check is off.
// Plain JavaScript so that tests and `npm start` run it without a build step.
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SigV4Error, verifySigV4 } from './sigv4.mjs';

// s3rver seals ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only has in its
// legacy provider: without this, every truncated listing fails with InternalError. The tokens
// are opaque to clients, so AES (8-byte key and IV doubled) serves as well. Patched before
// s3rver loads; it calls these through the shared crypto module object.
for (const name of ['createCipheriv', 'createDecipheriv']) {
  const original = crypto[name];
  crypto[name] = (algorithm, key, iv, ...rest) =>
    algorithm === 'des'
      ? original('aes-128-cbc', Buffer.concat([key, key]), Buffer.concat([iv, iv]), ...rest)
      : original(algorithm, key, iv, ...rest);
}

const require = createRequire(import.meta.url);
const S3rver = require('@20minutes/s3rver');
const AWSAccount = require('@20minutes/s3rver/lib/models/account');
const S3Error = require('@20minutes/s3rver/lib/models/error');

const USAGE =
  'usage: S3_ACCESS_KEY_ID=... S3_SECRET_ACCESS_KEY=... ensemble-object-storage --port P --dir DIR [--bucket NAME]...';

function fail(message) {
  process.stderr.write(`object-storage: ${message}\n${USAGE}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: { port: { type: 'string' }, dir: { type: 'string' }, bucket: { type: 'string', multiple: true } },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65535) fail('--port must be a port number');
if (!values.dir) fail('--dir is required');
const accessKeyId = process.env.S3_ACCESS_KEY_ID;
const secretAccessKey = process.env.S3_SECRET_ACCESS_KEY;
// The secret comes from the environment, never argv: argv is visible to every user in ps.
if (!accessKeyId || !secretAccessKey) fail('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set');

// s3rver keeps its accounts in a process-wide registry: ours replaces its built-in S3RVER key.
AWSAccount.DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
AWSAccount.DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey);

mkdirSync(values.dir, { recursive: true });
const server = new S3rver({
  address: '127.0.0.1',
  port,
  directory: values.dir,
  silent: true,
  allowMismatchedSignatures: true, // verified before, by verifySigV4
  // Path-style only (http://127.0.0.1:P/bucket/key), as the SDK is configured with forcePathStyle.
  vhostBuckets: false,
  configureBuckets: (values.bucket ?? []).map((name) => ({ name })),
});

// First in line: S3 answers an unsigned request to a private bucket with 403 AccessDenied.
server.middleware.unshift(async (ctx, next) => {
  const signed = 'authorization' in ctx.headers || 'X-Amz-Algorithm' in ctx.query;
  if (!signed) throw new S3Error('AccessDenied', 'Access Denied');
  try {
    verifySigV4(ctx.req, { accessKeyId, secretAccessKey });
  } catch (e) {
    if (e instanceof SigV4Error) throw new S3Error(e.code, e.message, e.detail);
    throw e;
  }
  await next();
});

// s3rver has no AbortMultipartUpload, and fails with InternalError on parts or completion of an
// upload that does not exist: S3 answers NoSuchUpload, and Abort removes the stored parts.
server.middleware.splice(1, 0, async (ctx, next) => {
  const uploadId = ctx.query.uploadId;
  const [, bucket, key] = /^\/([^/]+)\/(.+)$/.exec(ctx.path) ?? [];
  if (typeof uploadId !== 'string' || !bucket || !key) return next();
  const dir = join(server.store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
  if (!/^[\w-]+$/.test(uploadId) || !existsSync(dir))
    throw new S3Error(
      'NoSuchUpload',
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      { UploadId: uploadId },
    );
  if (ctx.method !== 'DELETE') return next();
  await rm(dir, { recursive: true, force: true });
  ctx.status = 204;
});

await server.run();
process.stderr.write(`object-storage: S3 API on http://127.0.0.1:${port} (data in ${values.dir})\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.httpServer?.closeAllConnections(); // idle keep-alive sockets would hold close() open
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
