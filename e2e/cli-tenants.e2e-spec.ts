import { tenantViewSchema, tenantWithNewSecretSchema, tenantsUsageSchema } from '@ensemble/contracts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeQuery, signQuery } from '@ensemble/shared';
import { parameterPolicySchema } from '@ensemble/gateway-api';
import { buildCli, runCli } from './cli.test-support.js';
import { FleetStack, OPS_TOKEN } from './fleet-stack.test-support.js';

/** Each test runs the binary a few times; a loaded 2-core machine can take seconds per process start. */
const SLOW = 120_000;
const IMPORTED = 'cli-imported-secret-0123456789';

/** `ensemble tenants ...` against a live gateway: output, exit codes, and secrets shown once. */
describe('the ensemble CLI for tenants', () => {
  const stack = new FleetStack();
  /** Every secret printed, and everything printed after it. */
  const secrets: string[] = [IMPORTED];
  const later: string[] = [];

  const ensemble = (args: string[], stdin?: string) =>
    runCli(args, { url: stack.gateway.url, token: OPS_TOKEN, operator: 'cli-tenants', stdin, timeoutMs: 20_000 });
  /** A run that prints no secret: kept to be searched. */
  const quiet = async (args: string[]) => {
    const r = await ensemble(args);
    later.push(r.stdout, r.stderr);
    return r;
  };
  const newSecret = (stdout: string) => {
    const m = /^secret (sec_[0-9a-f]{12}): (\S+)\n\(shown once/m.exec(stdout);
    expect(m).not.toBeNull();
    secrets.push(m![2]!);
    return { id: m![1]!, secret: m![2]! };
  };

  beforeAll(async () => {
    await buildCli();
    await stack.start({ nodes: 1, gateway: { BBB_API_SECRET: 'cli-config-secret-0123456789' } });
  }, SLOW);
  afterAll(() => stack.stop());

  it(
    'adds a tenant and prints its secret once; list and show never print it',
    async () => {
      const add = await ensemble([
        'tenants',
        'add',
        'uni-a',
        '--display-name',
        'University A',
        '--tags',
        'uni-a,eu',
        '--max-meetings',
        '10',
      ]);
      expect(add.code).toBe(0);
      expect(add.stdout).toMatch(/^uni-a: added\nsecret sec_[0-9a-f]{12}: [A-Za-z0-9_-]{48}\n\(shown once: /);
      const { id } = newSecret(add.stdout);

      const list = await quiet(['tenants', 'list']);
      const lines = list.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^NAME\s+DISPLAY\s+SECRETS\s+WEIGHT\s+MAX-MEETINGS\s+MAX-PARTICIPANTS\s+TAGS$/);
      expect(lines.slice(1).map((l) => l.split(/\s{2,}/))).toEqual([
        ['default', 'Default', '1', '1', '-', '-', '-'],
        ['uni-a', 'University A', '1', '1', '10', '-', 'uni-a,eu'],
      ]);

      const show = await quiet(['tenants', 'show', 'uni-a']);
      expect(show.stdout).toMatch(/^display name\s+University A$/m);
      expect(show.stdout).toMatch(/^max meetings\s+10$/m);
      expect(show.stdout).toMatch(/^recordings protected\s+default \(no\)$/m);
      expect(show.stdout).toMatch(new RegExp(`^${id}\\s+\\d{4}-\\d\\d-\\d\\d \\S+\\s+stored$`, 'm'));
      const json = tenantViewSchema.parse(JSON.parse((await quiet(['tenants', 'show', 'uni-a', '--json'])).stdout));
      expect(json.secrets.map((s) => s.id)).toEqual([id]);
      expect((await quiet(['tenants', 'secrets', 'list', 'default'])).stdout).toMatch(
        /^config-1\s+-\s+config \(BBB_API_SECRET\/S\)$/m,
      );
    },
    SLOW,
  );

  it(
    'adds a tenant with a secret read from stdin, and --json prints the whole answer',
    async () => {
      const r = await ensemble(['tenants', 'add', 'uni-b', '--secret', '-', '--json'], `${IMPORTED}\n`);
      expect(r.code).toBe(0);
      expect(tenantWithNewSecretSchema.parse(JSON.parse(r.stdout)).secret.secret).toBe(IMPORTED);
      const taken = await quiet(['tenants', 'add', 'uni-c', '--secret', IMPORTED]);
      expect(taken).toMatchObject({ code: 1, stdout: '' });
      expect(taken.stderr).toMatch(/^ensemble: conflict: secret: already in use/);
    },
    SLOW,
  );

  it(
    'updates quotas and shows usage with its quotas, meetings as the scheduler counts them',
    async () => {
      expect(
        await quiet(['tenants', 'update', 'uni-a', '--max-participants', '50', '--max-meetings', 'none']),
      ).toMatchObject({ code: 0, stdout: 'uni-a: updated\n', stderr: '' });
      const usage = await quiet(['tenants', 'usage']);
      expect(usage.code).toBe(0);
      const lines = usage.stdout.trim().split('\n');
      expect(lines[0]).toMatch(
        /^TENANT\s+MEETINGS\s+MAX-MEETINGS\s+PARTICIPANTS\s+MAX-PARTICIPANTS\s+RECORDINGS\s+STORAGE$/,
      );
      expect(lines.slice(1).map((l) => l.split(/\s{2,}/))).toEqual([
        ['default', '0', '-', '0', '-', '0', '0 B'],
        ['uni-a', '0', '-', '0', '50', '0', '0 B'],
        ['uni-b', '0', '-', '0', '-', '0', '0 B'],
      ]);
      const json = tenantsUsageSchema.parse(JSON.parse((await quiet(['tenants', 'usage', '--json'])).stdout));
      expect(json.tenants.map((t) => t.name)).toEqual(['default', 'uni-a', 'uni-b']);
      expect(JSON.parse((await quiet(['tenants', 'usage', 'uni-a', '--json'])).stdout)).toMatchObject({
        name: 'uni-a',
        maxParticipants: 50,
      });
      expect(await quiet(['tenants', 'update', 'uni-a', '--max-meetings', '-3'])).toMatchObject({ code: 2 });
      expect(await quiet(['tenants', 'update', 'uni-a'])).toMatchObject({ code: 2 });
    },
    SLOW,
  );

  it(
    "sets whether a tenant's recordings are protected: true, false or back to the default",
    async () => {
      const shown = async () =>
        /^recordings protected\s+(.+)$/m.exec((await quiet(['tenants', 'show', 'uni-a'])).stdout)?.[1];
      expect(await quiet(['tenants', 'update', 'uni-a', '--recordings-protected', 'false'])).toMatchObject({
        code: 0,
        stdout: 'uni-a: updated\n',
      });
      expect(await shown()).toBe('no');
      expect(
        tenantViewSchema.parse(JSON.parse((await quiet(['tenants', 'show', 'uni-a', '--json'])).stdout)),
      ).toMatchObject({ recordingsProtected: false, recordingsProtectedEffective: false });
      expect((await quiet(['tenants', 'update', 'uni-a', '--recordings-protected', 'default'])).code).toBe(0);
      expect(await shown()).toBe('default (no)');
      const bad = await quiet(['tenants', 'update', 'uni-a', '--recordings-protected', 'maybe']);
      expect(bad).toMatchObject({ code: 2 });
      expect(bad.stderr).toMatch(/--recordings-protected: true, false or default/);
      // This gateway has no RECORDINGS_PLAYBACK_SECRET: protecting is refused, naming it.
      const refused = await quiet(['tenants', 'update', 'uni-a', '--recordings-protected', 'true']);
      expect(refused).toMatchObject({ code: 1, stdout: '' });
      expect(refused.stderr).toMatch(/^ensemble: conflict: recordingsProtected: .*RECORDINGS_PLAYBACK_SECRET/);
      expect(await shown()).toBe('default (no)');
    },
    SLOW,
  );

  it(
    'rotates a secret: adds one (printed once), removes the old, keeps the last unless forced',
    async () => {
      const [old] = tenantViewSchema.parse(
        JSON.parse((await quiet(['tenants', 'show', 'uni-a', '--json'])).stdout),
      ).secrets;
      const add = await ensemble(['tenants', 'secrets', 'add', 'uni-a']);
      expect(add.code).toBe(0);
      const fresh = newSecret(add.stdout);
      const list = await quiet(['tenants', 'secrets', 'list', 'uni-a']);
      expect(
        list.stdout
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => l.split(/\s{2,}/)[0]),
      ).toEqual([old!.id, fresh.id]);
      expect(await quiet(['tenants', 'secrets', 'remove', 'uni-a', old!.id])).toMatchObject({
        code: 0,
        stdout: `uni-a: secret ${old!.id} removed (1 left)\n`,
      });
      const last = await quiet(['tenants', 'secrets', 'remove', 'uni-a', fresh.id]);
      expect(last.code).toBe(1);
      expect(last.stderr).toMatch(new RegExp(`^ensemble: conflict: ${fresh.id} is the last secret of tenant uni-a`));
    },
    SLOW,
  );

  it(
    'sets a policy from a file and inline, shows it, and refuses a bad value naming the field',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ensemble-policy-'));
      const file = join(dir, 'policy.json');
      const policy = { create: { defaults: { welcome: 'Hello' }, caps: { duration: 90 } } };
      writeFileSync(file, JSON.stringify(policy));
      expect(await quiet(['tenants', 'policy', 'set', 'uni-a', file])).toMatchObject({
        code: 0,
        stdout: 'uni-a: policy set\n',
      });
      expect(JSON.parse((await quiet(['tenants', 'policy', 'show', 'uni-a'])).stdout)).toEqual(
        parameterPolicySchema.parse(policy),
      );
      const inline = { join: { block: ['userdata-bbb_skip_check_audio'] } };
      expect((await quiet(['tenants', 'policy', 'set', 'uni-a', JSON.stringify(inline)])).code).toBe(0);
      expect(JSON.parse((await quiet(['tenants', 'policy', 'show', 'uni-a'])).stdout)).toEqual(
        parameterPolicySchema.parse(inline),
      );

      const bad = await quiet(['tenants', 'policy', 'set', 'uni-a', '{"create":{"caps":{"duration":-1}}}']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/^ensemble: invalid-input: create\.caps\.duration: /);
      expect(await quiet(['tenants', 'policy', 'set', 'uni-a', '{not json'])).toMatchObject({ code: 2 });
      expect(await quiet(['tenants', 'policy', 'set', 'uni-a', join(dir, 'missing.json')])).toMatchObject({ code: 2 });
    },
    SLOW,
  );

  it(
    'refuses to remove a tenant with a running meeting, removes it with --force and says what it held',
    async () => {
      // A meeting of uni-b, created through its own BBB API with the secret it brought.
      const query = signQuery('create', encodeQuery({ name: 'Running', meetingID: 'running' }), IMPORTED, 'sha256');
      const created = await (await fetch(`${stack.gateway.url}/t/uni-b/bigbluebutton/api/create?${query}`)).text();
      expect(created).toContain('<returncode>SUCCESS</returncode>');
      const refused = await quiet(['tenants', 'remove', 'uni-b']);
      expect(refused).toMatchObject({ code: 1, stdout: '' });
      expect(refused.stderr).toMatch(/^ensemble: conflict: tenant uni-b holds 1 running meeting/);
      const forced = await quiet(['tenants', 'remove', 'uni-b', '--force']);
      expect(forced).toMatchObject({ code: 0, stdout: 'uni-b: removed\n' });
      expect(forced.stderr).toMatch(/^warning: removed by force; it held 1 running meeting/);
      expect(await quiet(['tenants', 'show', 'uni-b'])).toMatchObject({
        code: 1,
        stderr: 'ensemble: not-found: no tenant uni-b\n',
      });
      const def = await quiet(['tenants', 'remove', 'default', '--force']);
      expect(def.stderr).toMatch(/^ensemble: conflict: the default tenant cannot be removed/);
    },
    SLOW,
  );

  it(
    'never prints a secret after the command that made it, nor logs one',
    async () => {
      expect(secrets).toHaveLength(3);
      const everything = [...later, ...stack.logs].join('\n');
      for (const s of secrets) expect(everything).not.toContain(s);
    },
    SLOW,
  );
});
