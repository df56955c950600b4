import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { ServerProcess } from './server-process.js';

export interface TestServer {
  url: string;
  port: number;
  process: ServerProcess;
  stop(): Promise<void>;
}

/** A real `nats-server -js` on a free loopback port. */
export async function startNats(): Promise<TestServer> {
  const port = await freePort();
  const proc = await new ServerProcess('nats-server', port, (dir) => [
    '-a',
    '127.0.0.1',
    '-p',
    String(port),
    '-js',
    '-sd',
    dir,
  ]).start();
  return { url: `nats://127.0.0.1:${port}`, port, process: proc, stop: () => proc.dispose() };
}

/**
 * A real `redis-server` on a free loopback port; append-only on when asked (restart
 * tests); a replica of the server on `replicaOf` when given (Sentinel failover tests).
 */
export async function startRedis(opts: { appendOnly?: boolean; replicaOf?: number } = {}): Promise<TestServer> {
  const port = await freePort();
  const proc = await new ServerProcess('redis-server', port, (dir) => [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--dir',
    dir,
    '--appendonly',
    opts.appendOnly ? 'yes' : 'no',
    '--appendfsync',
    'everysec',
    ...(opts.replicaOf ? ['--replicaof', '127.0.0.1', String(opts.replicaOf)] : []),
  ]).start();
  return { url: `redis://127.0.0.1:${port}`, port, process: proc, stop: () => proc.dispose() };
}

/** A real Redis Sentinel (`redis-server --sentinel`) watching `primaryPort` under `name`. */
export async function startSentinel(primaryPort: number, name = 'ensemble'): Promise<TestServer> {
  const port = await freePort();
  const proc = await new ServerProcess('redis-server', port, (dir) => {
    const conf = join(dir, 'sentinel.conf');
    // Sentinel rewrites its config file, so it lives in the private data dir.
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${primaryPort} 1`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 5000`,
        '',
      ].join('\n'),
    );
    return [conf, '--sentinel'];
  }).start();
  return { url: `redis+sentinel://127.0.0.1:${port}/${name}`, port, process: proc, stop: () => proc.dispose() };
}
