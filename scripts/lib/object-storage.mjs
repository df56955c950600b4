// `npm start`'s object storage (decision 100): tools/object-storage, an S3-compatible server
// that checks SigV4, on a free loopback port, its objects in the state dir. The recordings
// bucket is made at start; the key pair is made once and kept with the other secrets.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './setup.mjs';
import { freePort, waitForPort } from './processes.mjs';

export const RECORDINGS_BUCKET = 'ensemble-recordings';

/** Starts it under `sup`; what an S3 client needs to reach it. */
export async function startObjectStorage(sup, stateDir, { S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY }) {
  const port = await freePort();
  const dir = join(stateDir, 'object-storage');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  sup.start(
    'object-storage',
    process.execPath,
    [
      join(root, 'tools/object-storage/server.mjs'),
      '--port',
      String(port),
      '--dir',
      dir,
      '--bucket',
      RECORDINGS_BUCKET,
    ],
    { env: { S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY }, quiet: true },
  );
  await waitForPort(port);
  return {
    S3_ENDPOINT: `http://127.0.0.1:${port}`,
    S3_REGION: 'fr-par',
    S3_BUCKET: RECORDINGS_BUCKET,
    S3_ACCESS_KEY_ID,
    S3_SECRET_ACCESS_KEY,
  };
}
