import { contracts } from '@ensemble/contracts';
import { signQuery } from '@ensemble/shared';
import { CallbackReceiver, applySample, freePort, waitFor } from '@ensemble/testing';
import { BbbSim } from '@ensemble/bbb-sim';
import { ServiceProcess } from './faults.test-support.js';
import { OpsStack } from './ops-stack.test-support.js';

const SECRET = 'restart-bbb-api-secret-0123456789';
const SLOW = 120_000;

/**
 * A gateway killed (SIGKILL) while it is sending a callback: the callback waits in the
 * ENSEMBLE_CALLBACKS stream, unacknowledged, and the restarted gateway delivers it once its
 * ack wait is over (decisions 103, 113). The gateway is a process of its own, built.
 */
describe('a callback whose gateway is killed mid-delivery', () => {
  const stack = new OpsStack('restart-ops-token-0123456789');
  let sim: BbbSim;
  let gateway: ServiceProcess | undefined;
  let env: Record<string, string>;
  let url: string;
  const receiver = new CallbackReceiver();

  const call = (name: string, params: Array<[string, string]>) => {
    const query = signQuery(name, new URLSearchParams(params).toString(), SECRET, 'sha256');
    return fetch(`${url}/bigbluebutton/api/${name}?${query}`, { redirect: 'manual' });
  };
  const startGateway = async () => {
    gateway = await ServiceProcess.start('gateway-api', env, 'gateway started');
  };

  beforeAll(async () => {
    // No gateway in this process: the one below is a process of its own, to be killed.
    await stack.start({ gateway: false, schedulerEnv: { HEALTH_OFFLINE_AFTER: '1', HEALTH_ONLINE_AFTER: '1' } });
    await receiver.start();
    sim = await BbbSim.start({ nodes: 1 });
    const node = sim.nodes[0]!;
    await stack.bus.request(contracts.registerNode, { id: node.id, url: node.baseUrl, secret: node.secret, tags: [] });
    await applySample(stack.bus, node.id);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = {
      NATS_URL: stack.nats.url,
      REDIS_URL: stack.redis.url,
      DATABASE_URL: await stack.postgres.createDatabase(),
      GATEWAY_PORT: String(port),
      GATEWAY_HOST: '127.0.0.1',
      OPS_TOKEN: stack.token,
      BBB_API_SECRET: SECRET,
      CALLBACK_TOKEN_SECRET: 'restart-callback-token-secret-0123456789',
      CALLBACK_RETRY_FIRST_MS: '200',
      CALLBACK_TIMEOUT_MS: '2000',
    };
    await startGateway();
  }, SLOW);
  afterAll(async () => {
    await gateway?.kill();
    await sim?.stop();
    await receiver.stop();
    await stack.stop();
  });

  it(
    'is delivered once by the gateway started again',
    async () => {
      // The integration hangs on the first attempt: the gateway is killed while it waits.
      const endpoint = receiver.script('/stuck', ['hang']);
      const created = await call('create', [
        ['name', 'Killed'],
        ['meetingID', 'killed'],
        ['meetingEndedURL', endpoint],
      ]);
      expect(await created.text()).toContain('<returncode>SUCCESS</returncode>');
      expect(await (await call('end', [['meetingID', 'killed']])).text()).toContain('SUCCESS');
      await waitFor('the first attempt, held', () => receiver.at('/stuck').length === 1, { timeoutMs: 20_000 });
      await gateway!.kill('SIGKILL');
      await startGateway();
      await waitFor('delivered after the restart', () => receiver.at('/stuck').length === 2, { timeoutMs: 60_000 });
      await new Promise((r) => setTimeout(r, 1500));
      expect(receiver.at('/stuck').map((r) => r.answered)).toEqual(['hang', 200]);
      expect(gateway!.lines.join('\n')).toMatch(/"callback delivered".*"attempt":2/);
    },
    SLOW,
  );
});
