import { gatewayEnvSchema } from '@ensemble/gateway-api';
import { loadCollectorEnvSchema } from '@ensemble/load-collector';
import { provisionerEnvSchema } from '@ensemble/provisioner';
import { schedulerEnvSchema } from '@ensemble/scheduler';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { needBinary, parseYaml, removeDir, repoFile, run, tempDir } from './deploy.test-support.js';

interface Service {
  image?: string;
  build?: { target?: string };
  command?: string[];
  environment?: Record<string, string | null>;
  healthcheck?: { test?: string[] };
  restart?: string;
  volumes?: Array<string | { source?: string; target?: string }>;
  profiles?: string[];
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  networks?: { default?: { ipam?: { config?: Array<{ subnet?: string }> } } };
}

const CORE = [
  'nats',
  'redis',
  'postgres',
  'prometheus',
  'scheduler',
  'load-collector',
  'provisioner',
  'gateway-api',
  'web',
];
/** Each service's env schema: every variable it reads must be passed by compose (bar those its image sets). */
const SCHEMAS = {
  scheduler: schedulerEnvSchema.shape,
  'load-collector': loadCollectorEnvSchema.shape,
  provisioner: provisionerEnvSchema.shape,
  'gateway-api': gatewayEnvSchema.shape,
};
// WEB_DIR: the gateway image's ENV; PATH: the base image's ENV; HOME: the container's user (node).
// Compose must not pass PATH or HOME: it would replace the image's with the host's.
const SET_BY_IMAGE = ['WEB_DIR', 'PATH', 'HOME'];

/** docker-compose.yml and its overrides, checked by Debian's docker-compose (v1; no engine needed). */
describe('the compose files', () => {
  let compose: string;
  let dir: string;
  let emptyEnv: string;
  const env = {
    ...process.env,
    OPS_TOKEN: 'compose-test-ops-token-0123',
    BBB_API_SECRET: 'compose-test-bbb-secret',
    POSTGRES_PASSWORD: 'compose-test-postgres-password',
    DATABASE_URL: 'postgres://ensemble:compose-test-postgres-password@postgres:5432/ensemble',
  };
  const seen = new Map<string, Compose>(); // docker-compose takes seconds to start: once per file set
  const config = (args: string[] = []): Compose => {
    const key = args.join(' ');
    if (!seen.has(key)) {
      const out = run(compose, ['--env-file', emptyEnv, ...args, 'config'], { env }).stdout;
      seen.set(key, parseYaml(out) as Compose);
    }
    return seen.get(key)!;
  };

  beforeAll(() => {
    compose = needBinary('docker-compose', 'docker-compose');
    dir = tempDir('compose');
    emptyEnv = join(dir, 'empty.env'); // a developer's own .env must not change what is tested
    writeFileSync(emptyEnv, '');
  });
  afterAll(() => removeDir(dir));

  it('validates and has every service, each with a healthcheck and a restart policy', () => {
    const { services } = config();
    const always = Object.entries(services).filter(([, s]) => !s.profiles?.length);
    expect(always.map(([n]) => n).sort()).toEqual([...CORE].sort());
    for (const name of CORE) {
      expect([name, services[name]?.healthcheck?.test?.length ?? 0]).not.toEqual([name, 0]);
      expect([name, services[name]?.restart]).toEqual([name, 'unless-stopped']);
    }
  });

  it('keeps NATS JetStream, Redis append-only and PostgreSQL data on volumes', () => {
    const { services, volumes } = config();
    expect(services.nats?.command).toEqual(expect.arrayContaining(['--jetstream', '--store_dir', '/data']));
    expect(services.redis?.command).toEqual(
      expect.arrayContaining(['--appendonly', 'yes', '--appendfsync', 'everysec']),
    );
    const mounts = (s: Service | undefined) => JSON.stringify(s?.volumes ?? []);
    expect(mounts(services.nats)).toContain('nats-data');
    expect(mounts(services.redis)).toContain('redis-data');
    expect(mounts(services.postgres)).toContain('postgres-data:/var/lib/postgresql/data');
    expect(services.postgres?.healthcheck?.test).toEqual(expect.arrayContaining(['pg_isready']));
    expect(mounts(services.prometheus)).toContain('prometheus-targets');
    expect(mounts(services.provisioner)).toContain('prometheus-targets');
    expect(mounts(services.provisioner)).toContain('/opt/ensemble/terraform');
    expect(Object.keys(volumes ?? {})).toEqual(
      expect.arrayContaining(['nats-data', 'redis-data', 'postgres-data', 'prometheus-data']),
    );
  });

  it.each(Object.entries(SCHEMAS))('passes %s every variable its config reads', (name, shape) => {
    const given = Object.keys(config().services[name]?.environment ?? {});
    const wanted = Object.keys(shape).filter((k) => !SET_BY_IMAGE.includes(k));
    expect(wanted.filter((k) => !given.includes(k))).toEqual([]);
  });

  it('binds services to every address inside containers', () => {
    const { services } = config();
    for (const name of ['scheduler', 'load-collector', 'provisioner'])
      expect(services[name]?.environment?.METRICS_HOST).toBe('0.0.0.0');
    expect(services['gateway-api']?.environment?.GATEWAY_HOST).toBe('0.0.0.0');
  });

  it('lets the gateway believe X-Forwarded-For from the compose network only, where NGINX is', () => {
    const { services, networks } = config();
    const subnet = networks?.default?.ipam?.config?.[0]?.subnet;
    expect(subnet).toMatch(/^\d+\.\d+\.\d+\.\d+\/\d+$/);
    expect(services['gateway-api']?.environment?.TRUSTED_PROXIES).toBe(subnet);
  });

  it('checks readiness (dependencies answering), not liveness, in every service healthcheck', () => {
    const { services } = config();
    for (const name of ['scheduler', 'load-collector', 'provisioner', 'gateway-api'])
      expect([name, services[name]?.healthcheck?.test?.join(' ')]).toEqual([name, expect.stringContaining('/readyz')]);
  });

  it('refuses to start without the secrets, naming the missing one', () => {
    const { OPS_TOKEN: _unset, ...withoutToken } = env;
    const r = spawnSync(compose, ['--env-file', emptyEnv, 'config', '-q'], { env: withoutToken, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('OPS_TOKEN');
  });

  it('explains in .env.example every variable compose or a service reads', () => {
    const example = repoFile('.env.example');
    const listed = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const interpolated = [...repoFile('docker-compose.yml').matchAll(/\$\{([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!);
    const read = Object.values(SCHEMAS).flatMap((s) => Object.keys(s));
    const fixedInCompose = ['GATEWAY_HOST', 'GATEWAY_PORT', 'METRICS_PORT', ...SET_BY_IMAGE];
    const missing = [...new Set([...interpolated, ...read])].filter(
      (k) => !listed.has(k) && !fixedInCompose.includes(k),
    );
    expect(missing).toEqual([]);
  });

  it('adds the simulated fleet only with the sim profile', () => {
    const sim = config(['--profile', 'sim']).services;
    const inSim = Object.entries(sim).filter(([, s]) => s.profiles?.includes('sim'));
    expect(inSim.map(([n]) => n).sort()).toEqual(['bbb-sim', 'jitsi-sim', 'sim-register']);
    for (const name of ['bbb-sim', 'jitsi-sim']) expect(sim[name]?.healthcheck?.test?.length).toBeGreaterThan(0);
  });

  it('builds each image from a target of the one Dockerfile', () => {
    const dockerfile = repoFile('Dockerfile');
    const services = config(['--profile', 'sim']).services;
    for (const [name, s] of Object.entries(services)) {
      if (s.build?.target)
        expect([name, dockerfile]).toEqual([name, expect.stringContaining(` AS ${s.build.target}\n`)]);
    }
  });

  it('splits collectors into shards and gateways across replicas with the scale override', () => {
    const { services } = config(['-f', 'docker-compose.yml', '-f', 'deploy/compose/scale.yml']);
    const shards = ['load-collector', 'load-collector-2'].map((n) => services[n]?.environment);
    expect(shards.map((e) => [e?.COLLECTOR_SHARD_INDEX, e?.COLLECTOR_SHARD_COUNT])).toEqual([
      ['0', '2'],
      ['1', '2'],
    ]);
  });

  it('runs NATS as a 3-node cluster and Redis with a replica and 3 Sentinels with the HA override', () => {
    const { services } = config(['-f', 'docker-compose.yml', '-f', 'deploy/compose/ha.yml']);
    for (const n of ['nats', 'nats-2', 'nats-3']) {
      expect(services[n]?.command).toEqual(expect.arrayContaining(['--cluster_name', 'ensemble', '--routes']));
    }
    expect(Object.keys(services).filter((n) => n.startsWith('sentinel-'))).toHaveLength(3);
    expect(services['redis-replica']?.command).toEqual(expect.arrayContaining(['--replicaof', 'redis', '6379']));
    expect(services['gateway-api']?.environment?.NATS_URL).toBe(
      'nats://nats:4222,nats://nats-2:4222,nats://nats-3:4222',
    );
  });
});

describe('the Dockerfile', () => {
  const dockerfile = repoFile('Dockerfile');
  const stage = (target: string) => {
    const start = dockerfile.indexOf(` AS ${target}\n`);
    const next = dockerfile.indexOf('\nFROM ', start);
    return dockerfile.slice(start, next === -1 ? undefined : next);
  };

  it('installs with the lockfile, and production dependencies only for the runtime', () => {
    expect(dockerfile).toMatch(/npm ci --no-audit/);
    expect(stage('prod-deps')).toContain('npm ci --omit=dev');
    expect(stage('runtime')).toContain('COPY --from=prod-deps');
    expect(stage('runtime')).not.toContain('--from=deps');
  });

  it('runs every service as a non-root user under tini, with a healthcheck', () => {
    expect(stage('runtime')).toContain('USER node');
    expect(stage('runtime')).toContain('ENTRYPOINT ["/usr/bin/tini", "--"]');
    for (const target of ['scheduler', 'load-collector', 'gateway-api', 'provisioner', 'web']) {
      expect([target, stage(target)]).toEqual([target, expect.stringContaining('HEALTHCHECK')]);
    }
    for (const target of ['scheduler', 'load-collector', 'gateway-api', 'provisioner'])
      expect([target, stage(target)]).toEqual([target, expect.stringContaining("/readyz')")]);
    expect(dockerfile).toContain('nginx-unprivileged');
  });

  it('bakes no secret into an image', () => {
    expect(dockerfile).not.toMatch(/(ENV|ARG)\s[^\n]*(TOKEN|SECRET|PASSWORD|SCW_)/);
  });
});
