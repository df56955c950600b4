import { contracts, type RunEvent, type RunRecord } from '@ensemble/contracts';
import { Logger, Metrics, NatsBus, parseConfig } from '@ensemble/shared';
import { startNats, startPostgres, startRedis, waitFor, type PostgresServer, type TestServer } from '@ensemble/testing';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProvisioner, type RunningProvisioner } from './bootstrap.js';
import { provisionerEnvSchema } from './config.js';

/** The stand-in terraform executable (a Node script speaking Terraform's -json UI). */
export const TERRAFORM_STUB = fileURLToPath(new URL('../test-support/terraform-stub.mjs', import.meta.url));

export const SCW_ACCESS_KEY = 'SCWTESTACCESSKEY0001';
export const SCW_SECRET_KEY = '4f2c1d9e-secret-value-never-logged-7d3a';

export interface StubEndpoint {
  api_url: string;
  secret: string;
  ipv4: string;
  hostname: string;
  recording_token?: string;
}

export type StubScenario =
  'success' | 'apply-errored' | 'state-lock' | 'hang' | 'garbage' | 'bad-output' | 'init-fails' | 'leaky';

/** A TERRAFORM_DIR for the stub: scenario and endpoints, plus what it was called with. */
export class StubDir {
  readonly path = mkdtempSync(join(tmpdir(), 'ensemble-tf-'));

  scenario(scenario: StubScenario, endpoints: StubEndpoint[] = []): void {
    writeFileSync(join(this.path, '.terraform-stub.json'), JSON.stringify({ scenario, endpoints }));
  }

  calls(): { args: string[]; env: string[] }[] {
    const file = join(this.path, '.terraform-stub-calls.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { args: string[]; env: string[] });
  }

  nodeMap(): Record<string, { offer: string; zone: string }> {
    const file = join(this.path, 'nodes.auto.tfvars.json');
    if (!existsSync(file)) return {};
    return (JSON.parse(readFileSync(file, 'utf8')) as { nodes: Record<string, { offer: string; zone: string }> }).nodes;
  }
}

/**
 * Real NATS + Redis + PostgreSQL + one provisioner driving the stub; a client bus that records
 * events. The provisioner gets a database of its own (on the PostgreSQL given, or on one the
 * harness starts); Redis is for the stack it may join (the provisioner keeps nothing there).
 */
export class ProvisionerHarness {
  nats!: TestServer;
  redis!: TestServer;
  postgres!: PostgresServer;
  /** The provisioner's database (kept across `halt`/`boot`). */
  databaseUrl!: string;
  private ownPostgres = false;
  provisioner!: RunningProvisioner;
  bus!: NatsBus;
  readonly dir = new StubDir();
  readonly fileSdDir = mkdtempSync(join(tmpdir(), 'ensemble-filesd-'));
  readonly logs: string[] = [];
  readonly events: RunEvent[] = [];

  private env: Record<string, string> = {};

  async start(
    env: Record<string, string> = {},
    servers: { nats?: TestServer; redis?: TestServer; postgres?: PostgresServer } = {},
  ): Promise<this> {
    if (servers.nats && servers.redis) ({ nats: this.nats, redis: this.redis } = servers);
    else [this.nats, this.redis] = await Promise.all([startNats(), startRedis()]);
    this.ownPostgres = !servers.postgres;
    this.postgres = servers.postgres ?? (await startPostgres());
    this.databaseUrl = await this.postgres.createDatabase();
    this.env = env;
    await this.boot();
    this.bus = await NatsBus.connect({
      url: this.nats.url,
      name: 'test',
      logger: new Logger('test', 'error'),
      metrics: new Metrics('test'),
    });
    this.bus.subscribe(contracts.provisionRun, (e) => void this.events.push(e));
    return this;
  }

  /** Stops the provisioner only (a run in progress is aborted as on a real shutdown); `boot` starts it again. */
  async halt(): Promise<void> {
    await this.provisioner.close();
  }

  /** Starts a provisioner on the same NATS, database and TERRAFORM_DIR (again, after `halt`). */
  async boot(): Promise<void> {
    const env = this.env;
    this.provisioner = await startProvisioner(
      parseConfig('provisioner', provisionerEnvSchema, {
        NATS_URL: this.nats.url,
        DATABASE_URL: this.databaseUrl,
        METRICS_PORT: '0',
        TERRAFORM_BIN: TERRAFORM_STUB,
        TERRAFORM_DIR: this.dir.path,
        PROM_FILE_SD_DIR: this.fileSdDir,
        PROVISION_KILL_GRACE_S: '0.2',
        SCW_ACCESS_KEY,
        SCW_SECRET_KEY,
        SCW_DEFAULT_PROJECT_ID: 'project-0001',
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        ...env,
      }),
      { logSink: (l) => void this.logs.push(l) },
    );
  }

  async stop(opts: { keepServers?: boolean } = {}): Promise<void> {
    await this.bus?.close();
    await this.provisioner?.close();
    if (this.ownPostgres) await this.postgres?.stop();
    if (!opts.keepServers) await Promise.all([this.nats?.stop(), this.redis?.stop()]);
  }

  /** Waits until the run has finished (succeeded or failed) and returns its record. */
  finished(runId: string, timeoutMs = 20_000): Promise<RunRecord> {
    return waitFor(
      `run ${runId} to finish`,
      async () => {
        const run = await this.bus.request(contracts.getRun, { runId });
        return run.finishedAt !== null && run;
      },
      { timeoutMs, intervalMs: 100 },
    );
  }
}
