import { connect, type NatsConnection } from '@nats-io/transport-node';
import { contracts, createdOperatorTokenSchema, subjects } from '@ensemble/contracts';
import { Logger, Metrics, NatsBus, bbbChecksum } from '@ensemble/shared';
import { loadSample, waitFor } from '@ensemble/testing';
import { BbbSim } from '@ensemble/bbb-sim';
import { JitsiSim } from '@ensemble/jitsi-sim';
import {
  ProvisionerHarness,
  SCW_ACCESS_KEY,
  SCW_SECRET_KEY,
} from '../services/provisioner/src/provisioner-harness.test-support.js';
import { buildCli, runCli } from './cli.test-support.js';
import { BBB_API_SECRET, FaultStack, OPS_TOKEN } from './faults.test-support.js';
import { Client } from './rooms.test-support.js';
import { SseRecorder, answerText, findSecrets, type Channels, type Secret } from './secrets.test-support.js';

const PASSWORD = 'correct horse battery staple 42';
const OLD_BBB_API_SECRET = 'faults-old-bbb-api-secret-9876543210';
const JITSI = { appId: 'ensemble-secrets', appSecret: 'jitsi-app-secret-never-shown-0123456789' };
/** Not a real secret: published on NATS on purpose, so the search must find it (it can fail). */
const PROBE = 'probe-secret-the-search-must-find-4f1e';
/** The upload token Terraform's output gives a provisioned node (decision 101). */
const PROVISIONED_RECORDING_TOKEN = 'terraform-recording-token-of-prov-1-0123456789ab';

/**
 * One scenario through the whole stack (web rooms on BBB and Jitsi, the BBB API, every ops
 * call, the event stream, provisioning runs through the Terraform stand-in with SCW_* keys in
 * its env, the CLI), with every output kept by channel and searched for every secret.
 */
describe('secrets in a whole scenario', () => {
  const s = new FaultStack();
  const provisioner = new ProvisionerHarness();
  const sse = new SseRecorder();
  let nc: NatsConnection;
  let bus: NatsBus;
  let jitsi: JitsiSim;
  let extra: BbbSim;
  const nats: string[] = [];
  const registrations: string[] = [];

  beforeAll(async () => {
    await buildCli();
    jitsi = await JitsiSim.start({ nodes: 1, app: JITSI });
    extra = await BbbSim.start({ nodes: 1, idPrefix: 'prov' });
    const debug = { LOG_LEVEL: 'debug' };
    await s.start({
      nodes: 2,
      // Subscribed before any service starts: registrations and all.
      onServers: async (server) => {
        nc = await connect({ servers: server.url });
        const decoder = new TextDecoder();
        nc.subscribe('>', {
          callback: (_e, m) => {
            const text = `${m.subject} ${m.headers ? JSON.stringify([...m.headers]) : ''} ${decoder.decode(m.data)}`;
            // A node's secret travels to the scheduler that signs with it, in its registration, and
            // an issued upload token back in the registration's reply: nowhere else.
            const registrationReply = m.subject.startsWith('_INBOX.') && text.includes('"recordingToken"');
            if (m.subject === subjects.registerNode || m.subject === subjects.updateNode || registrationReply)
              registrations.push(text);
            else nats.push(text);
          },
        });
      },
      gateway: {
        ...debug,
        BBB_API_SECRETS: OLD_BBB_API_SECRET,
        JITSI_APP_ID: JITSI.appId,
        JITSI_APP_SECRET: JITSI.appSecret,
        SSE_HEARTBEAT_MS: '300',
      },
      scheduler: debug,
      collector: debug,
    });
    await provisioner.start(debug, { nats: s.nats, redis: s.redis });
    bus = await NatsBus.connect({
      url: s.nats.url,
      name: 'test',
      logger: new Logger('test', 'error'),
      metrics: new Metrics('test'),
    });
  }, 120_000);

  afterAll(async () => {
    await bus?.close();
    await nc?.close();
    await provisioner.stop({ keepServers: true });
    await s.stop();
    await jitsi?.stop();
    await extra?.stop();
  });

  it('never shows a secret in any answer, header, SSE frame, NATS message, log line, run event or CLI output', async () => {
    const answers: string[] = [];
    const ownerAnswers: string[] = [];
    const cookies: string[] = [];
    const tokenCreations: string[] = [];
    const keep = async (res: Response, owner = false) => {
      const { text, setCookie } = await answerText(res);
      (owner ? ownerAnswers : answers).push(text);
      cookies.push(...setCookie);
      return text.slice(text.indexOf('\n\n') + 2);
    };
    const ops = async (method: string, path: string, body?: unknown) => keep(await s.ops(method, path, body));

    await sse.open(`${s.gateway.url}/api/ops/events`, { authorization: `Bearer ${OPS_TOKEN}` });

    // Accounts and BBB rooms from the web app.
    const email = `sec-${Date.now()}@example.org`;
    const ada = new Client(s.gateway.url);
    await keep(await ada.call('POST', '/api/auth/register', { email, password: PASSWORD, name: 'Ada' }));
    const registeredSession = ada.cookie!.split('=')[1]!;
    await keep(await ada.call('POST', '/api/auth/logout'));
    await keep(await ada.call('POST', '/api/auth/login', { email, password: 'wrong password 0000' }));
    await keep(await ada.call('POST', '/api/auth/login', { email, password: PASSWORD }));
    const session = ada.cookie!.split('=')[1]!;
    await keep(await ada.call('GET', '/api/me'));
    const room = JSON.parse(
      await keep(await ada.call('POST', '/api/rooms', { name: 'Secret', engine: 'bbb' }), true),
    ) as { id: string; moderatorLink: string; participantLink: string };
    await keep(await ada.call('GET', '/api/rooms'), true);
    const guest = new Client(s.gateway.url);
    const links = [room.moderatorLink, room.participantLink].map((l) => l.split('/j/')[1]!);
    for (const t of links) {
      await keep(await guest.call('GET', `/api/join/${t}`));
      await keep(await guest.call('POST', `/api/join/${t}`, { displayName: 'Guest' }));
    }
    await keep(await ada.call('GET', `/api/rooms/${room.id}/live`));

    // A Jitsi room: a node online, both links joined, the moderator URL opened on the node.
    const jn = jitsi.nodes[0]!;
    await ops('POST', '/api/ops/nodes', { id: jn.id, engine: 'jitsi', url: jn.baseUrl });
    bus.publish(contracts.loadSample, loadSample(jn.id, { engine: 'jitsi', cpu: 0.1 }));
    await waitFor('the Jitsi node online', async () =>
      (await s.nodes()).some((n) => n.id === jn.id && n.health === 'online'),
    );
    const jroom = JSON.parse(
      await keep(await ada.call('POST', '/api/rooms', { name: 'Secret Jitsi', engine: 'jitsi' }), true),
    ) as { moderatorLink: string; participantLink: string };
    const jlinks = [jroom.moderatorLink, jroom.participantLink].map((l) => l.split('/j/')[1]!);
    for (const t of jlinks) {
      const joined = JSON.parse(await keep(await guest.call('POST', `/api/join/${t}`, { displayName: 'J' }))) as {
        url: string;
      };
      await keep(await fetch(joined.url));
    }

    // The BBB API, with the current and the old secret, and a bad checksum.
    const bbb = async (call: string, q: string, secret = BBB_API_SECRET) =>
      keep(
        await fetch(
          `${s.gateway.url}/bigbluebutton/api/${call}?${q}&checksum=${bbbChecksum(call, q, secret, 'sha256')}`,
          {
            redirect: 'manual',
          },
        ),
      );
    await bbb('create', 'meetingID=sec-1&name=Sec&moderatorPW=mp&attendeePW=ap');
    await bbb('join', 'meetingID=sec-1&fullName=Bo&password=ap');
    await bbb('join', 'meetingID=sec-1&fullName=Old&role=VIEWER', OLD_BBB_API_SECRET);
    await bbb('getMeetings', '');
    await bbb('getMeetingInfo', 'meetingID=sec-1');
    await bbb('isMeetingRunning', 'meetingID=sec-1');
    await keep(await fetch(`${s.gateway.url}/bigbluebutton/api/getMeetingInfo?meetingID=sec-1&checksum=wrong`));
    await bbb('end', 'meetingID=sec-1&password=mp');

    // Provisioning: a provider that echoes the SCW_* keys (must be scrubbed), then a run that adds a node.
    provisioner.dir.scenario('leaky');
    const leaky = JSON.parse(await ops('POST', '/api/ops/scale-out', { count: 1, reason: 'secrets: leaky' })) as {
      runId: string;
    };
    await provisioner.finished(leaky.runId);
    const p = extra.nodes[0]!;
    provisioner.dir.scenario('success', [
      {
        api_url: p.apiUrl,
        secret: p.secret,
        ipv4: '127.0.0.1',
        hostname: 'prov-1.example.org',
        recording_token: PROVISIONED_RECORDING_TOKEN,
      },
    ]);

    // Every ops call, health and metrics of every service.
    for (const [m, path, b] of [
      ['GET', '/api/ops/nodes', undefined],
      ['GET', '/api/ops/cluster', undefined],
      ['GET', `/api/ops/nodes/${s.sim.nodes[0]!.id}`, undefined],
      ['PATCH', `/api/ops/nodes/${s.sim.nodes[1]!.id}`, { loadMultiplier: 1.5 }],
      ['POST', '/api/ops/placements', { roomKey: 'sec-ops', engine: 'bbb' }],
      ['GET', '/api/ops/rooms/sec-ops', undefined],
      ['GET', '/api/ops/runs', undefined],
      ['GET', `/api/ops/runs/${leaky.runId}`, undefined],
      ['POST', '/api/ops/events/ticket', undefined],
      ['POST', '/api/ops/nodes', { id: 'bad', url: 'ftp://x', secret: 'short' }],
    ] as const)
      await ops(m, path, b);
    // A personal operator token (decision 122): in the answer that makes it, nowhere else.
    const made = await answerText(
      await s.ops('POST', '/api/ops/operators/tokens', { name: 'secrets-bot', scope: 'write' }),
    );
    tokenCreations.push(made.text);
    const personal = createdOperatorTokenSchema.parse(JSON.parse(made.text.slice(made.text.indexOf('\n\n') + 2)));
    const asBot = (method: string, path: string, body?: unknown) =>
      fetch(`${s.gateway.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${personal.token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    await keep(await asBot('GET', '/api/ops/nodes'));
    await keep(await asBot('PATCH', `/api/ops/nodes/${s.sim.nodes[1]!.id}`, { loadMultiplier: 1.25 }));
    await keep(await asBot('GET', '/api/ops/operators/tokens'));
    await keep(await asBot('DELETE', `/api/ops/operators/tokens/${personal.id}`));
    await keep(await asBot('GET', '/api/ops/nodes'));
    for (const path of ['/metrics', '/healthz', '/livez', '/readyz'])
      await keep(await fetch(`${s.gateway.url}${path}`));
    for (const port of [
      s.inProcessScheduler!.metricsPort,
      s.collector.metricsPort,
      provisioner.provisioner.metricsPort,
    ])
      for (const path of ['/metrics', '/healthz']) await keep(await fetch(`http://127.0.0.1:${port}${path}`));

    // The CLI: a scale-out through it (the run adds a node with its secret), then what operators read.
    const cli = async (...args: string[]) => {
      const r = await runCli(args, {
        url: s.gateway.url,
        token: OPS_TOKEN,
        operator: 'secrets',
        bareEnv: true,
        timeoutMs: 30_000,
      });
      return `${r.stdout}\n${r.stderr}`;
    };
    const cliOutput: string[] = [];
    cliOutput.push(await cli('scale-out', '--count', '1', '--reason', 'secrets: via the CLI', '--json'));
    const added = /"runId":\s*"([^"]+)"|"id":\s*"(run-[^"]+)"/.exec(cliOutput[0]!);
    const addedRun = added?.[1] ?? added?.[2];
    expect(addedRun).toBeDefined();
    expect(await provisioner.finished(addedRun!)).toMatchObject({ phase: 'succeeded' });
    for (const args of [
      ['status'],
      ['status', '--json'],
      ['nodes', 'list', '--json'],
      ['nodes', 'show', 'bbb-1', '--json'],
      ['rooms', 'where', 'sec-ops'],
      ['runs'],
      ['runs', leaky.runId, '--json'],
      ['runs', addedRun!, '--follow'],
      ['runs', '--decisions'],
      ['audit', '--json'],
      ['operators', 'tokens', 'list', '--json'],
      ['nodes', 'show', 'nope'],
    ])
      cliOutput.push(await cli(...args));
    cliOutput.push(await cli('status', '--url', 'http://127.0.0.1:1'));
    await ops('GET', `/api/ops/runs/${addedRun}`);
    await ops('GET', '/api/ops/runs');
    // The audit log of all of the above (registrations with secrets, scale-outs with the cloud keys set).
    await ops('GET', '/api/ops/audit?limit=200');

    await keep(await ada.call('POST', '/api/auth/logout'));

    // The probe: a "secret" on NATS that the search has to find where it was put.
    nc.publish('ensemble.test.probe', new TextEncoder().encode(`a message carrying ${PROBE}`));
    await nc.flush();
    // One more heartbeat: the stream was still being read after the last action.
    const pings = sse.frames.filter((f) => f.startsWith(': ping')).length;
    await waitFor('another SSE heartbeat', () => sse.frames.filter((f) => f.startsWith(': ping')).length > pings);
    await sse.stop();

    const channels: Channels = {
      answers,
      'owner answers': ownerAnswers,
      'set-cookie headers': cookies,
      'SSE frames': [sse.headers, ...sse.frames],
      'NATS registrations': registrations,
      'NATS messages': nats,
      'log lines': [...s.logs, ...provisioner.logs],
      'run events': provisioner.events.map((e) => JSON.stringify(e)),
      'CLI output': cliOutput,
      'operator token creation': tokenCreations,
    };
    const secrets: Record<string, Secret> = {
      'BBB API secret': { value: BBB_API_SECRET },
      'old BBB API secret': { value: OLD_BBB_API_SECRET },
      'Jitsi app secret': { value: JITSI.appSecret },
      'ops token': { value: OPS_TOKEN },
      'personal operator token': { value: personal.token, allowedIn: ['operator token creation'] },
      password: { value: PASSWORD },
      'session (register)': { value: registeredSession, allowedIn: ['set-cookie headers'] },
      'session (login)': { value: session, allowedIn: ['set-cookie headers'] },
      SCW_ACCESS_KEY: { value: SCW_ACCESS_KEY },
      SCW_SECRET_KEY: { value: SCW_SECRET_KEY },
      ...Object.fromEntries(
        [...s.sim.nodes, p].map((n) => [`secret of ${n.id}`, { value: n.secret, allowedIn: ['NATS registrations'] }]),
      ),
      // Upload tokens: an issued one is answered once, to the operator who registered the node.
      ...Object.fromEntries(
        [...s.recordingTokens].map(([id, t]) => [
          `recording token of ${id}`,
          { value: t, allowedIn: ['NATS registrations'] },
        ]),
      ),
      'recording token of prov-1': { value: PROVISIONED_RECORDING_TOKEN, allowedIn: ['NATS registrations'] },
      // Link tokens are shown to their owner only.
      ...Object.fromEntries(
        [...links, ...jlinks].map((t, i) => [`link token ${i + 1}`, { value: t, allowedIn: ['owner answers'] }]),
      ),
    };

    // The search can fail: it finds the probe, and every channel holds what the scenario put there.
    expect(findSecrets(channels, { probe: { value: PROBE } })).toEqual([
      expect.stringMatching(/^probe in NATS messages/),
    ]);
    const mustHold: Record<string, string> = {
      answers: 'Checksums do not match',
      'owner answers': '/j/',
      'set-cookie headers': 'ens_session=',
      'SSE frames': 'event: run',
      'NATS registrations': s.sim.nodes[0]!.id,
      'NATS messages': 'ensemble.load.bbb.bbb-1',
      'log lines': 'gateway started',
      'run events': '"phase":"succeeded"',
      'CLI output': 'bbb-1',
    };
    for (const [channel, marker] of Object.entries(mustHold))
      expect({ channel, holds: channels[channel]!.some((t) => t.includes(marker)) }).toEqual({ channel, holds: true });
    // Each secret was in play: the registrations carried the node secrets (so the search knows their values).
    for (const n of [...s.sim.nodes, p]) expect(registrations.join('\n')).toContain(n.secret);
    expect(s.recordingTokens.size).toBe(s.sim.nodes.length);
    expect(registrations.join('\n')).toContain(PROVISIONED_RECORDING_TOKEN);

    expect(findSecrets(channels, secrets)).toEqual([]);
  }, 180_000);
});
