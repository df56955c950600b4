import { auditPageSchema, type AuditPage } from '@ensemble/contracts';
import { waitFor } from '@ensemble/testing';
import { buildCli, runCli } from './cli.test-support.js';
import { FleetStack, OPS_TOKEN } from './fleet-stack.test-support.js';

/** Each test runs the binary a few times; a loaded 2-core machine can take seconds per process start. */
const SLOW = 120_000;

/** The built `ensemble` binary against a live fleet: output and exit codes. */
describe('the ensemble CLI', () => {
  const stack = new FleetStack();

  const ensemble = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, { url: stack.gateway.url, token: OPS_TOKEN, operator: 'cli-test', env, timeoutMs: 20_000 });

  beforeAll(async () => {
    await buildCli();
    await stack.start({ nodes: 2 });
    await waitFor('online', async () => (await stack.json('GET', '/api/ops/cluster')).totals.online === 2);
  }, SLOW);
  afterAll(() => stack.stop());

  it(
    'prints the status table with every node',
    async () => {
      await waitFor('versions', async () => (await stack.node('bbb-2')).version !== null);
      const r = await ensemble(['status']);
      expect(r.code).toBe(0);
      const lines = r.stdout.split('\n');
      expect(lines[0]).toMatch(/^NODE\s+STATE\s+HEALTH\s+MEETINGS\s+USERS\s+LARGEST\s+VIDEO\s+LOAD\s+VERSION\s+TAGS$/);
      expect(lines[1]).toMatch(/^bbb-1\s+enabled\s+online\s+0\s+0\s+0\s+0\s+\S+\s+3\.0\.0\s+-$/);
      expect(r.stdout).toContain('2 nodes (2 online, 2 taking new rooms)');
    },
    SLOW,
  );

  it(
    'cordons a node, and nodes list shows it (table and --json)',
    async () => {
      // A meeting keeps it cordoned: an empty cordoned node disables itself at the next poll.
      stack.sim.nodes[1]!.seedMeetings([{ meetingID: 'busy', participants: 2 }]);
      await waitFor('polled busy', async () => (await stack.node('bbb-2')).lastSample?.meetings === 1);
      const r = await ensemble(['nodes', 'cordon', 'bbb-2']);
      expect(r).toMatchObject({ code: 0, stdout: 'bbb-2: cordoned (state cordoned, health online)\n' });
      expect((await ensemble(['nodes', 'list'])).stdout).toMatch(/^bbb-2\s+bbb\s+cordoned\s+online/m);
      const json = JSON.parse((await ensemble(['nodes', 'list', '--json'])).stdout) as { id: string; state: string }[];
      expect(json.map((n) => [n.id, n.state])).toEqual([
        ['bbb-1', 'enabled'],
        ['bbb-2', 'cordoned'],
      ]);
      expect(stack.logs.join('\n')).toMatch(/"node updated".*"nodeId":"bbb-2".*"by":"cli-test"/);
      expect((await ensemble(['nodes', 'enable', 'bbb-2'])).code).toBe(0);
    },
    SLOW,
  );

  it(
    'shows, updates, adds and removes nodes',
    async () => {
      expect((await ensemble(['nodes', 'show', 'bbb-1'])).stdout).toMatch(/^state\s+enabled$/m);
      const u = await ensemble(['nodes', 'update', 'bbb-1', '--multiplier', '2', '--tags', 'eu,large', '--json']);
      expect(JSON.parse(u.stdout)).toMatchObject({ loadMultiplier: 2, tags: ['eu', 'large'] });
      const add = await ensemble([
        'nodes',
        'add',
        'http://127.0.0.1:9/extra/bigbluebutton/',
        '--secret',
        'extra-secret-1',
        '--id',
        'extra',
      ]);
      expect(add.code).toBe(0);
      // The recording upload token the scheduler issued, shown once with where it goes.
      expect(add.stdout).toMatch(
        /^extra: registered \(state enabled, health unknown\)\nrecording upload token: [A-Za-z0-9_-]{48}\n\(shown once.*\/etc\/ensemble\/recording-upload\.conf/s,
      );
      expect((await ensemble(['nodes', 'show', 'extra'])).stdout).not.toContain(/token: (\S+)/.exec(add.stdout)![1]);
      expect((await ensemble(['nodes', 'remove', 'extra'])).stdout).toBe('extra: removed\n');
    },
    SLOW,
  );

  it(
    'tells where a room is',
    async () => {
      const p = await stack.place('cli-room');
      const r = await ensemble(['rooms', 'where', 'cli-room']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`cli-room: on ${p.nodeId} (bbb, state enabled, health online)`);
    },
    SLOW,
  );

  it(
    'panics a node only with --yes, and ends its meetings',
    async () => {
      const refused = await ensemble(['nodes', 'panic', 'bbb-2']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toBe('ensemble: panic ends every meeting on bbb-2: add --yes to confirm\n');
      stack.sim.nodes[1]!.seedMeetings([{ meetingID: 'doomed', participants: 2 }]);
      const running = stack.sim.nodes[1]!.meetings().length;
      const r = await ensemble(['nodes', 'panic', 'bbb-2', '--yes']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(
        new RegExp(`^bbb-2: disabled; ${running} meetings ended, 0 failed, \\d+ rooms released\n$`),
      );
      expect(stack.sim.nodes[1]!.meetings()).toHaveLength(0);
    },
    SLOW,
  );

  it(
    'lists operator actions with `audit`: table, filters, paging and --json',
    async () => {
      const as = { ENSEMBLE_OPERATOR: 'auditor' };
      expect((await ensemble(['nodes', 'cordon', 'bbb-1'], as)).code).toBe(0);
      expect((await ensemble(['nodes', 'enable', 'bbb-1'], as)).code).toBe(0);
      expect((await ensemble(['nodes', 'cordon', 'ghost'], as)).code).toBe(1);
      const r = await ensemble(['audit', '--actor', 'auditor']);
      expect(r.code).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^ID\s+AT\s+ACTOR\s+ACTION\s+TARGET\s+FROM\s+OUTCOME$/);
      expect(lines.slice(1).map((l) => l.split(/\s{2,}/).slice(2))).toEqual([
        ['auditor', 'node.update', 'ghost', '127.0.0.1', 'refused (not-found)'],
        ['auditor', 'node.update', 'bbb-1', '127.0.0.1', 'ok'],
        ['auditor', 'node.update', 'bbb-1', '127.0.0.1', 'ok'],
      ]);
      const first = await ensemble(['audit', '--actor', 'auditor', '--limit', '2']);
      const more = /^more: ensemble audit --before (\d+)$/m.exec(first.stdout);
      expect(more).not.toBeNull();
      const rest = await ensemble(['audit', '--actor', 'auditor', '--before', more![1]!, '--json']);
      const page = auditPageSchema.parse(JSON.parse(rest.stdout));
      expect(page).toMatchObject({ next: null, events: [{ target: 'bbb-1', outcome: 'ok' }] });
      const byTarget = JSON.parse((await ensemble(['audit', '--target', 'ghost', '--json'])).stdout) as AuditPage;
      expect(byTarget.events.map((e) => e.actor)).toEqual(['auditor']);
      expect(await ensemble(['audit', '--limit', '500'])).toMatchObject({ code: 2 });
      const badSince = await ensemble(['audit', '--since', 'yesterday']);
      expect(badSince.code).toBe(1);
      expect(badSince.stderr).toMatch(/^ensemble: invalid-input: /);
    },
    SLOW,
  );

  it.each([
    ['a wrong token', ['status'], { OPS_TOKEN: 'wrong-token-wrong-token' }, 4, /^ensemble: unauthorized: .*OPS_TOKEN/],
    ['an unknown node', ['nodes', 'show', 'ghost'], {}, 1, /^ensemble: not-found: no node ghost$/],
    ['an unknown node to cordon', ['nodes', 'cordon', 'ghost'], {}, 1, /^ensemble: not-found: no node ghost$/],
    [
      'an unreachable gateway',
      ['status'],
      { ENSEMBLE_URL: 'http://127.0.0.1:1' },
      3,
      /^ensemble: cannot reach the gateway/,
    ],
    ['a room on no node', ['rooms', 'where', 'nowhere'], {}, 1, /^ensemble: not-found: /],
    ['no provisioner yet (scale-out)', ['scale-out', '--count', '1'], {}, 1, /^ensemble: (unavailable|not-found): /],
    ['no provisioner yet (runs)', ['runs'], {}, 1, /^ensemble: (unavailable|not-found): /],
    ['a bad count', ['scale-out', '--count', 'many'], {}, 2, /--count/],
    [
      'migrate from-redis (it runs on the gateway and provisioner hosts)',
      ['migrate', 'from-redis'],
      {},
      2,
      /^ensemble: migrate from-redis runs where the gateway and the provisioner run, .*node services\/gateway-api\/dist\/migrate-from-redis\.js .*node services\/provisioner\/dist\/migrate-from-redis\.js/,
    ],
  ])(
    'fails with one line and a non-zero exit on %s',
    async (_what, args, env, code, line) => {
      const r = await ensemble(args, env);
      expect(r.code).toBe(code);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')[0]).toMatch(line);
      if (code !== 2) expect(r.stderr.trim().split('\n')).toHaveLength(1);
    },
    SLOW,
  );
});
