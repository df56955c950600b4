import { contracts } from '@ensemble/contracts';
import { parseConfig } from '@ensemble/shared';
import { startPostgres, waitFor, type PostgresServer } from '@ensemble/testing';
import { BbbSim } from '@ensemble/bbb-sim';
import { schedulerEnvSchema, startScheduler, type RunningScheduler } from '@ensemble/scheduler';
import { loadCollectorEnvSchema, startLoadCollector, type RunningLoadCollector } from '@ensemble/load-collector';
import { gatewayEnvSchema, startGateway, type RunningGateway } from '@ensemble/gateway-api';
import { spawn } from 'node:child_process';
import { ProvisionerHarness } from '../services/provisioner/src/provisioner-harness.test-support.js';
import { CLI_MAIN, ROOT, buildCli, cliEnv, runCli } from './cli.test-support.js';

const TOKEN = 'test-ops-token-0123456789';
/** Each test starts the binary; a loaded 2-core machine can take seconds per process start. */
const SLOW = 120_000;

/** `ensemble runs`: --follow around runs that end before, while and never, and the autoscale decisions. */
describe('the ensemble CLI on provisioning runs', () => {
  const h = new ProvisionerHarness();
  let postgres: PostgresServer;
  let sim: BbbSim;
  let scheduler: RunningScheduler;
  let collector: RunningLoadCollector;
  let gateway: RunningGateway;

  const gatewayWith = () =>
    startGateway(
      parseConfig('gateway-api', gatewayEnvSchema, {
        NATS_URL: h.nats.url,
        DATABASE_URL: postgres.url,
        GATEWAY_PORT: '0',
        OPS_TOKEN: TOKEN,
      }),
      { logSink: (l) => void h.logs.push(l) },
    );

  /** Runs `ensemble` to its end; its exit code and output. */
  const ensemble = (args: string[], url = gateway.url) =>
    runCli(args, { url, token: TOKEN, operator: 'cli-test', timeoutMs: 60_000 });

  /** Starts `ensemble` and returns its output so far and its end. */
  const started = (args: string[], url: string) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], { cwd: ROOT, env: cliEnv({ url, token: TOKEN }) });
    const out = { stdout: '', stderr: '' };
    child.stdout.on('data', (b: Buffer) => void (out.stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => void (out.stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { out, exited };
  };

  const scaleOut = async () =>
    (await h.bus.request(contracts.scaleOut, { count: 1, reason: 'cli test' }, { timeoutMs: 5000 })).runId;

  beforeAll(async () => {
    postgres = await startPostgres();
    await buildCli();
    sim = await BbbSim.start({ nodes: 1 });
    // A hanging run ends (failed) after 6 s; the autoscaler sees one hot node it may not grow.
    await h.start(
      {
        PROVISION_RUN_TIMEOUT_S: '6',
        AUTOSCALE_ENABLED: 'true',
        AUTOSCALE_INTERVAL_S: '0.3',
        AUTOSCALE_WINDOW_S: '1',
        AUTOSCALE_NODE_CAPACITY: '10',
        AUTOSCALE_MAX_FLEET: '1',
      },
      { postgres },
    );
    const base = { NATS_URL: h.nats.url, METRICS_PORT: '0' };
    const sink = (l: string) => void h.logs.push(l);
    scheduler = await startScheduler(
      parseConfig('scheduler', schedulerEnvSchema, {
        ...base,
        REDIS_URL: h.redis.url,
        DATABASE_URL: await postgres.createDatabase(),
      }),
      {
        logSink: sink,
      },
    );
    collector = await startLoadCollector(
      parseConfig('load-collector', loadCollectorEnvSchema, { ...base, POLL_INTERVAL_S: '0.5' }),
      { logSink: sink },
    );
    gateway = await gatewayWith();
    sim.nodes[0]!.seedMeetings([{ meetingID: 'busy', participants: 9 }]);
    await h.bus.request(contracts.registerNode, {
      id: 'seed',
      url: sim.nodes[0]!.baseUrl,
      secret: sim.nodes[0]!.secret,
    });
  }, SLOW);

  afterAll(async () => {
    await gateway?.close();
    await collector?.close();
    await scheduler?.close();
    await h.stop();
    await postgres?.stop();
    await sim?.stop();
  });

  it(
    'follows a run that has already ended: prints it and exits with its status at once',
    async () => {
      h.dir.scenario('apply-errored');
      const runId = await scaleOut();
      await h.finished(runId);
      const r = await ensemble(['runs', runId, '--follow']);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^phase: failed$/m);
      expect(r.stderr).toBe('');
    },
    SLOW,
  );

  it(
    'follows a run until it ends, and exits with its status',
    async () => {
      h.dir.scenario('hang');
      const runId = await scaleOut();
      const r = await ensemble(['runs', runId, '--follow']);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`  ${runId}  failed  timeout: run exceeded 6 s$`, 'm'));
    },
    SLOW,
  );

  it(
    'exits non-zero when the event stream closes before the run ends',
    async () => {
      const doomed = await gatewayWith();
      h.dir.scenario('hang');
      const runId = await scaleOut();
      const follower = started(['runs', runId, '--follow'], doomed.url);
      await waitFor('the run printed', () => follower.out.stdout.includes(`id: ${runId}`), { timeoutMs: 30_000 });
      await doomed.close();
      expect(await follower.exited).toBe(3);
      expect(follower.out.stderr).toBe(`ensemble: the event stream closed before run ${runId} ended\n`);
      await h.finished(runId);
    },
    SLOW,
  );

  it(
    'shows the autoscale decisions, held ones with their reasons, with the runs',
    async () => {
      await waitFor(
        'a held scale-out',
        async () => {
          const { decisions } = await h.bus.request(contracts.listRuns, { limit: 50 });
          return decisions.some((d) => d.action === 'scale-out-held');
        },
        { timeoutMs: 30_000 },
      );
      const r = await ensemble(['runs']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^RUN\s+PHASE\s+REASON$/m);
      expect(r.stdout).toMatch(/^DECISIONS \(latest \d+; all: --decisions\)$/m);
      expect(r.stdout).toMatch(/^AT\s+ACTION\s+NODE\s+RUN\s+REASON$/m);
      expect(r.stdout).toMatch(
        /scale-out-held\s+-\s+-\s+used share \d+% >= 75% for \d+ s, but the fleet is at its maximum of 1/,
      );
      const json = JSON.parse((await ensemble(['runs', '--decisions', '--json'])).stdout) as { action: string }[];
      expect(json.map((d) => d.action)).toContain('scale-out-held');
    },
    SLOW,
  );
});
