// `npm start`: set up what is missing, build, run the whole stack with a simulated fleet.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBinaries, ensureNodeModules, has, log, root, run } from './lib/setup.mjs';
import { Supervisor, freePort, preferredPort, waitForPort } from './lib/processes.mjs';
import { startPostgres } from './lib/postgres.mjs';
import { startObjectStorage } from './lib/object-storage.mjs';

const HELP = `Usage: npm start -- [options]

Runs NATS, Redis, PostgreSQL, object storage (S3 API), the four services and a simulated BBB fleet in the foreground.
Ctrl-C (or SIGTERM) stops everything.

Options:
  --sim-bbb N          simulated BBB nodes (default 4; 0 for none)
  --sim-jitsi N        simulated Jitsi nodes (default 3; 0 for none), scraped by a local Prometheus
  --no-sim             no simulated nodes: register real ones with POST /api/ops/nodes
  --port P             gateway HTTP port (default 8080, env GATEWAY_PORT)
  --poll-interval S    seconds between polls of every node (default 2 here; 30 in production)
  --state-dir DIR      where Redis, NATS, PostgreSQL and object storage keep data and the generated secrets (default .ensemble/)
  --skip-install       do not install or build (for a second start)
  --any-ports          free ports for metrics and Prometheus instead of 9101-9103/9090 (several stacks at once)
  -h, --help           this text

Environment: NATS_URL / REDIS_URL / DATABASE_URL / PROMETHEUS_URL use existing servers (then none is started here;
SCHEDULER_DATABASE_URL / PROVISIONER_DATABASE_URL: the scheduler's and the provisioner's databases,
default the same as DATABASE_URL; S3_ENDPOINT with S3_REGION, S3_BUCKET, S3_ACCESS_KEY_ID and
S3_SECRET_ACCESS_KEY: existing object storage);
BBB_API_SECRET, OPS_TOKEN, JITSI_APP_ID and JITSI_APP_SECRET are used when set, otherwise made
once and kept in the state dir.`;

let args;
try {
  args = parseArgs({
    options: {
      'sim-bbb': { type: 'string', default: '4' },
      'sim-jitsi': { type: 'string', default: '3' },
      'no-sim': { type: 'boolean', default: false },
      port: { type: 'string' },
      'poll-interval': { type: 'string', default: '2' },
      'state-dir': { type: 'string', default: join(root, '.ensemble') },
      'skip-install': { type: 'boolean', default: false },
      'any-ports': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
} catch (e) {
  process.stderr.write(`${e.message}\n\n${HELP}\n`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
const int = (name, v, min, max) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    process.stderr.write(`--${name} must be a whole number from ${min} to ${max}\n`);
    process.exit(2);
  }
  return n;
};
const simBbb = args['no-sim'] ? 0 : int('sim-bbb', args['sim-bbb'], 0, 200);
const simJitsi = args['no-sim'] ? 0 : int('sim-jitsi', args['sim-jitsi'], 0, 200);
const pollInterval = Number(args['poll-interval']);
if (!(pollInterval > 0 && pollInterval <= 3600)) {
  process.stderr.write('--poll-interval must be a number of seconds above 0\n');
  process.exit(2);
}
const stateDir = resolve(args['state-dir']);
mkdirSync(stateDir, { recursive: true, mode: 0o700 });

if (!args['skip-install']) {
  ensureNodeModules();
  const needed = [
    process.env.NATS_URL ? null : 'nats-server',
    process.env.REDIS_URL ? null : 'redis-server',
    ...(process.env.DATABASE_URL ? [] : ['initdb', 'postgres']),
  ].filter(Boolean);
  ensureBinaries(needed);
  try {
    ensureBinaries(['prometheus']); // scraped by the Jitsi side; the BBB stack runs without it
  } catch (e) {
    log(`warning: ${e.message}`);
  }
  run(process.execPath, ['scripts/build.mjs']);
}

/** Secrets: env first, else made once and kept (mode 600) so restarts keep working links. */
function secrets() {
  const file = join(stateDir, 'secrets.json');
  const kept = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const made = {
    BBB_API_SECRET: process.env.BBB_API_SECRET ?? kept.BBB_API_SECRET ?? randomBytes(24).toString('hex'),
    OPS_TOKEN: process.env.OPS_TOKEN ?? kept.OPS_TOKEN ?? randomBytes(24).toString('base64url'),
    JITSI_APP_ID: process.env.JITSI_APP_ID ?? kept.JITSI_APP_ID ?? 'ensemble',
    JITSI_APP_SECRET: process.env.JITSI_APP_SECRET ?? kept.JITSI_APP_SECRET ?? randomBytes(24).toString('hex'),
    // The local object storage's key pair (with S3_ENDPOINT set, the env's own pair is used).
    S3_ACCESS_KEY_ID: kept.S3_ACCESS_KEY_ID ?? `ENSEMBLE${randomBytes(6).toString('hex').toUpperCase()}`,
    S3_SECRET_ACCESS_KEY: kept.S3_SECRET_ACCESS_KEY ?? randomBytes(24).toString('base64url'),
  };
  writeFileSync(file, JSON.stringify({ ...kept, ...made }, null, 2), { mode: 0o600 });
  return made;
}

const sup = new Supervisor((name, how) => {
  log(`${name} exited unexpectedly (${how}); stopping the stack`);
  void shutdown(1);
});
let shuttingDown = false;
async function shutdown(code) {
  if (shuttingDown) return;
  shuttingDown = true;
  log('stopping…');
  await sup.stopAll();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

const node = (rel) => [join(root, rel)];

async function main() {
  const { BBB_API_SECRET, OPS_TOKEN, JITSI_APP_ID, JITSI_APP_SECRET, ...s3Keys } = secrets();
  let NATS_URL = process.env.NATS_URL;
  if (!NATS_URL) {
    const port = await freePort();
    const dir = join(stateDir, 'nats');
    mkdirSync(dir, { recursive: true });
    sup.start('nats-server', 'nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], {
      quiet: true,
    });
    await waitForPort(port);
    NATS_URL = `nats://127.0.0.1:${port}`;
  }
  let REDIS_URL = process.env.REDIS_URL;
  if (!REDIS_URL) {
    const port = await freePort();
    const dir = join(stateDir, 'redis');
    mkdirSync(dir, { recursive: true });
    sup.start(
      'redis-server',
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
      ],
      { quiet: true },
    );
    await waitForPort(port);
    REDIS_URL = `redis://127.0.0.1:${port}`;
  }

  const privatePostgres = process.env.DATABASE_URL ? null : await startPostgres(sup, stateDir);
  const DATABASE_URL = process.env.DATABASE_URL || privatePostgres.gateway;
  // The scheduler's node inventory: its own database here; with DATABASE_URL given,
  // SCHEDULER_DATABASE_URL or the same database (its tables and migration history are its own).
  const SCHEDULER_DATABASE_URL = process.env.SCHEDULER_DATABASE_URL || privatePostgres?.scheduler || DATABASE_URL;
  // The provisioner's runs and decisions: the same, with PROVISIONER_DATABASE_URL.
  const PROVISIONER_DATABASE_URL = process.env.PROVISIONER_DATABASE_URL || privatePostgres?.provisioner || DATABASE_URL;
  // Recordings' storage (issue 18): the local S3-compatible server unless S3_ENDPOINT names one.
  const s3 = process.env.S3_ENDPOINT
    ? { S3_ENDPOINT: process.env.S3_ENDPOINT, S3_BUCKET: process.env.S3_BUCKET ?? '(S3_BUCKET not set)' }
    : await startObjectStorage(sup, stateDir, s3Keys);

  let simNodes = [];
  let controlPort = null;
  if (simBbb > 0) {
    const out = join(stateDir, 'bbb-sim-nodes.json');
    controlPort = await freePort();
    sup.start('bbb-sim', process.execPath, [
      ...node('tools/bbb-sim/dist/main.js'),
      '--nodes',
      String(simBbb),
      '--out',
      out,
      '--keep',
      '--control-port',
      String(controlPort),
    ]);
    await waitForPort(controlPort);
    simNodes = JSON.parse(readFileSync(out, 'utf8')).nodes;
  }
  let jitsiNodes = [];
  let jitsiControlPort = null;
  if (simJitsi > 0) {
    const out = join(stateDir, 'jitsi-sim-nodes.json');
    jitsiControlPort = await freePort();
    sup.start(
      'jitsi-sim',
      process.execPath,
      [
        ...node('tools/jitsi-sim/dist/main.js'),
        '--nodes',
        String(simJitsi),
        '--out',
        out,
        '--keep',
        '--control-port',
        String(jitsiControlPort),
      ],
      { env: { JITSI_APP_ID, JITSI_APP_SECRET } },
    );
    await waitForPort(jitsiControlPort);
    jitsiNodes = JSON.parse(readFileSync(out, 'utf8')).nodes;
  }
  // Prometheus scrapes the simulated Jitsi nodes; the collector asks it for their CPU.
  let PROMETHEUS_URL = process.env.PROMETHEUS_URL;
  if (!PROMETHEUS_URL && jitsiNodes.length > 0) {
    if (!has('prometheus')) {
      log('note: prometheus is not installed, so the Jitsi nodes are not measured (apt-get install prometheus)');
    } else {
      const port = args['any-ports'] ? await freePort() : await preferredPort(9090);
      const dir = join(stateDir, 'prometheus');
      mkdirSync(join(dir, 'data'), { recursive: true });
      const config = {
        global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
        scrape_configs: [{ job_name: 'jitsi', static_configs: [{ targets: jitsiNodes.map((n) => n.instance) }] }],
      };
      writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
      sup.start(
        'prometheus',
        'prometheus',
        [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--web.enable-lifecycle',
          '--storage.tsdb.retention.time=1d',
          '--log.level=warn',
        ],
        { quiet: true },
      );
      await waitForPort(port);
      PROMETHEUS_URL = `http://127.0.0.1:${port}`;
    }
  }

  const common = { NATS_URL, REDIS_URL, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' };
  const ports = {
    scheduler: args['any-ports'] ? await freePort() : await preferredPort(9101),
    collector: args['any-ports'] ? await freePort() : await preferredPort(9102),
    provisioner: args['any-ports'] ? await freePort() : await preferredPort(9103),
    gateway: args.port !== undefined ? int('port', args.port, 0, 65535) : Number(process.env.GATEWAY_PORT ?? 8080),
  };
  if (ports.gateway === 0) ports.gateway = await freePort();
  sup.start('scheduler', process.execPath, node('services/scheduler/dist/main.js'), {
    env: { ...common, DATABASE_URL: SCHEDULER_DATABASE_URL, METRICS_PORT: String(ports.scheduler) },
  });
  sup.start('load-collector', process.execPath, node('services/load-collector/dist/main.js'), {
    env: {
      NATS_URL,
      LOG_LEVEL: common.LOG_LEVEL,
      METRICS_PORT: String(ports.collector),
      POLL_INTERVAL_S: String(pollInterval),
      ...(PROMETHEUS_URL
        ? {
            PROMETHEUS_URL,
            PROM_POLL_INTERVAL_S: String(pollInterval),
            // Scraped every second here: a short window shows CPU changes within seconds.
            PROM_CPU_QUERY:
              process.env.PROM_CPU_QUERY ?? '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[10s]))',
            PROM_STALE_AFTER_S: String(Math.max(10, pollInterval * 5)),
            // The simulated nodes serve their join page on the scraped port.
            ...(process.env.PROMETHEUS_URL ? {} : { PROM_JITSI_URL_TEMPLATE: 'http://{instance}/' }),
          }
        : {}),
    },
  });
  sup.start('provisioner', process.execPath, node('services/provisioner/dist/main.js'), {
    env: { ...common, DATABASE_URL: PROVISIONER_DATABASE_URL, METRICS_PORT: String(ports.provisioner) },
  });
  sup.start('gateway-api', process.execPath, node('services/gateway-api/dist/main.js'), {
    env: {
      NATS_URL,
      REDIS_URL,
      DATABASE_URL,
      LOG_LEVEL: common.LOG_LEVEL,
      GATEWAY_PORT: String(ports.gateway),
      OPS_TOKEN,
      BBB_API_SECRET,
      JITSI_APP_ID,
      JITSI_APP_SECRET,
      ...(process.env.PUBLIC_URL ? { PUBLIC_URL: process.env.PUBLIC_URL } : {}),
      // The local object storage for recordings (an S3_ENDPOINT of the shell reaches it through the env).
      ...(process.env.S3_ENDPOINT ? {} : s3),
    },
  });
  await Promise.all([waitForPort(ports.gateway), waitForPort(ports.scheduler)]);
  const gateway = `http://127.0.0.1:${ports.gateway}`;

  for (const n of simNodes) {
    const res = await registerNode(gateway, OPS_TOKEN, { id: n.id, url: n.url, secret: n.secret });
    if (!res.ok) throw new Error(`registering ${n.id} failed: ${res.status} ${await res.text()}`);
  }

  const lines = [
    '',
    'Ensemble is running.',
    `  Web app            ${gateway}/`,
    `  Ops dashboard      ${gateway}/ops   (sign in with the ops token)`,
    `  Ops API            ${gateway}/api/ops/cluster   (Authorization: Bearer <ops token>)`,
    `  BBB API            ${gateway}/bigbluebutton/api   (one BBB server for integrations: URL + secret below)`,
    `  BBB API secret     ${BBB_API_SECRET}`,
    `  Ops token          ${OPS_TOKEN}`,
    `  Metrics            ${gateway}/metrics, scheduler :${ports.scheduler}, load-collector :${ports.collector}, provisioner :${ports.provisioner}`,
    `  NATS / Redis       ${NATS_URL}  ${REDIS_URL}`,
    `  PostgreSQL         ${DATABASE_URL.replace(/(\/\/[^/:@]*:)[^@/]+@/, '$1[redacted]@')}`,
    `  Object storage     ${s3.S3_ENDPOINT}  bucket ${s3.S3_BUCKET}${s3.S3_SECRET_ACCESS_KEY ? `  (local only: access key ${s3.S3_ACCESS_KEY_ID}, secret ${s3.S3_SECRET_ACCESS_KEY})` : ''}`,
    `  Prometheus         ${PROMETHEUS_URL ?? 'none (no Jitsi measurement)'}`,
    `  Simulated fleet    ${simNodes.length} BBB node(s): ${simNodes.map((n) => n.id).join(', ') || 'none'}`,
    `                     ${jitsiNodes.length} Jitsi node(s): ${jitsiNodes.map((n) => n.instance).join(', ') || 'none'}${jitsiControlPort ? ` (control http://127.0.0.1:${jitsiControlPort})` : ''}`,
    '',
    'Try a placement:',
    `  curl -s -H "Authorization: Bearer ${OPS_TOKEN}" -H 'content-type: application/json' \\`,
    `       -d '{"roomKey":"demo-room","engine":"bbb"}' ${gateway}/api/ops/placements`,
    'Fleet status from the CLI:',
    `  ENSEMBLE_URL=${gateway} OPS_TOKEN=${OPS_TOKEN} npx ensemble status`,
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
  // Written whole then renamed: whoever waits for stack.json never reads half of it.
  const ready = join(stateDir, 'stack.json');
  writeFileSync(
    `${ready}.tmp`,
    JSON.stringify(
      {
        gateway,
        nats: NATS_URL,
        redis: REDIS_URL,
        database: DATABASE_URL,
        objectStorage: { endpoint: s3.S3_ENDPOINT, bucket: s3.S3_BUCKET },
        ports,
        bbbSimControl: controlPort && `http://127.0.0.1:${controlPort}`,
        simNodes: simNodes.map((n) => n.id),
        prometheus: PROMETHEUS_URL ?? null,
        jitsiSimControl: jitsiControlPort && `http://127.0.0.1:${jitsiControlPort}`,
        jitsiNodes: jitsiNodes.map((n) => n.instance),
      },
      null,
      2,
    ),
  );
  renameSync(`${ready}.tmp`, ready);
}

async function registerNode(gateway, token, body) {
  return fetch(`${gateway}/api/ops/nodes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

main().catch((e) => {
  log(`start failed: ${e.message}`);
  void shutdown(1);
});
