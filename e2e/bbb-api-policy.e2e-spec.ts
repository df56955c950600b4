import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BbbApiHarness } from './bbb-api.test-support.js';

/**
 * The global parameter policy (decision 111), seen where it matters: in the calls the
 * bbb-sim nodes receive, through the real gateway and scheduler.
 */
describe('the parameter policy of the BBB API', () => {
  const h = new BbbApiHarness();
  beforeAll(
    () =>
      h.start({
        nodes: 2,
        gatewayEnv: {
          BBB_CREATE_DEFAULTS: 'welcome=Operator%20welcome&record=false',
          BBB_CREATE_OVERRIDES: 'muteOnStart=true',
          BBB_CREATE_BLOCK: 'logo,meta_private-note',
          BBB_CREATE_CAPS: 'maxParticipants=50&duration=120',
          BBB_JOIN_DEFAULTS: 'userdata-bbb_auto_join_audio=true',
          BBB_JOIN_OVERRIDES: 'userdata-bbb_skip_check_audio=true',
          BBB_JOIN_BLOCK: 'avatarURL',
        },
      }),
    30_000,
  );
  afterAll(() => h.stop());

  /** The parameters of the one `call` of meetingID the fleet received. */
  const received = (call: string, meetingID: string) => {
    const calls = h.sim.nodes
      .flatMap((n) => n.calls())
      .filter((c) => c.call === call && c.params.some(([k, v]) => k === 'meetingID' && v === meetingID));
    expect(calls).toHaveLength(1);
    return calls[0]!.params;
  };
  const valuesOf = (params: readonly (readonly [string, string])[], name: string) =>
    params.filter(([k]) => k.toLowerCase() === name.toLowerCase()).map(([, v]) => v);

  it('gives the node the defaults, the overrides and the caps of a create that sent none of them', async () => {
    const a = await h.call('create', [
      ['name', 'Plain'],
      ['meetingID', 'policy-plain'],
    ]);
    expect(a.xml).toMatchObject({ returncode: 'SUCCESS', meetingID: 'policy-plain' });
    const params = received('create', 'policy-plain');
    expect(valuesOf(params, 'welcome')).toEqual(['Operator welcome']);
    expect(valuesOf(params, 'record')).toEqual(['false']);
    expect(valuesOf(params, 'muteOnStart')).toEqual(['true']);
    // Absent means no limit to BBB: a cap sends the cap.
    expect(valuesOf(params, 'maxParticipants')).toEqual(['50']);
    expect(valuesOf(params, 'duration')).toEqual(['120']);
  });

  it('keeps what the create sent where only a default applies, and overrides, blocks and caps the rest', async () => {
    const a = await h.call('create', [
      ['name', 'Busy'],
      ['meetingID', 'policy-busy'],
      ['welcome', 'Our own welcome'],
      ['muteOnStart', 'false'],
      ['logo', 'https://lms.example/logo.png'],
      ['meta_Private-Note', 'not for the node'],
      ['meta_course', 'math-101'],
      ['maxParticipants', '500'],
      ['duration', '0'],
    ]);
    expect(a.xml).toMatchObject({ returncode: 'SUCCESS', meetingID: 'policy-busy' });
    const params = received('create', 'policy-busy');
    expect(valuesOf(params, 'welcome')).toEqual(['Our own welcome']);
    expect(valuesOf(params, 'muteOnStart')).toEqual(['true']);
    expect(valuesOf(params, 'logo')).toEqual([]);
    expect(valuesOf(params, 'meta_private-note')).toEqual([]);
    expect(valuesOf(params, 'meta_course')).toEqual(['math-101']);
    expect(valuesOf(params, 'maxParticipants')).toEqual(['50']);
    expect(valuesOf(params, 'duration')).toEqual(['120']);

    // The node's meeting has them too (the metadata it keeps, as getMeetingInfo shows).
    const info = await h.call('getMeetingInfo', [['meetingID', 'policy-busy']]);
    expect(info.xml).toMatchObject({ returncode: 'SUCCESS', maxUsers: '50' });
    expect(info.body).not.toContain('not for the node');
  });

  it('lets a value under the cap through', async () => {
    await h.call('create', [
      ['name', 'Small'],
      ['meetingID', 'policy-small'],
      ['maxParticipants', '12'],
    ]);
    expect(valuesOf(received('create', 'policy-small'), 'maxParticipants')).toEqual(['12']);
  });

  it('gives the node the join policy: a default, an override, and no blocked parameter', async () => {
    await h.call('create', [
      ['name', 'Joined'],
      ['meetingID', 'policy-join'],
    ]);
    const a = await h.call('join', [
      ['fullName', 'Ada'],
      ['meetingID', 'policy-join'],
      ['role', 'VIEWER'],
      ['avatarURL', 'https://lms.example/ada.png'],
      ['userdata-bbb_skip_check_audio', 'false'],
      ['redirect', 'false'],
    ]);
    expect(a.xml).toMatchObject({ returncode: 'SUCCESS', messageKey: 'successfullyJoined' });
    const params = received('join', 'policy-join');
    expect(valuesOf(params, 'userdata-bbb_auto_join_audio')).toEqual(['true']);
    expect(valuesOf(params, 'userdata-bbb_skip_check_audio')).toEqual(['true']);
    expect(valuesOf(params, 'avatarURL')).toEqual([]);
    expect(valuesOf(params, 'fullName')).toEqual(['Ada']);
  });

  it('signs the redirect of a join for the node with the policy applied', async () => {
    await h.call('create', [
      ['name', 'Redirected'],
      ['meetingID', 'policy-redirect'],
    ]);
    const a = await h.call('join', [
      ['fullName', 'Bob'],
      ['meetingID', 'policy-redirect'],
      ['role', 'VIEWER'],
      ['avatarURL', 'https://lms.example/bob.png'],
    ]);
    expect(a.status).toBe(302);
    const to = new URL(a.location!).searchParams;
    expect(to.get('userdata-bbb_auto_join_audio')).toBe('true');
    expect(to.get('avatarURL')).toBeNull();
    // The node takes the signed URL (to its client, not a checksum error) and sees the policy.
    const atNode = await h.get(a.location!);
    expect(atNode.location).toContain('/html5client/join?sessionToken=');
    expect(valuesOf(received('join', 'policy-redirect'), 'userdata-bbb_auto_join_audio')).toEqual(['true']);
  });

  it('re-creates a meeting whose node died with the create the policy made, not the one sent', async () => {
    await h.call('create', [
      ['name', 'Moved'],
      ['meetingID', 'policy-moved'],
      ['logo', 'https://lms.example/logo.png'],
      ['maxParticipants', '900'],
    ]);
    const first = h.nodeOf('policy-moved')!;
    await h.sim.node(first)!.setFault({ mode: 'down' });
    await h.sample(first, { reachable: false, error: 'connection refused' });
    try {
      const join = await h.call('join', [
        ['fullName', 'Cy'],
        ['meetingID', 'policy-moved'],
        ['role', 'VIEWER'],
      ]);
      expect(join.status).toBe(302);
      const other = h.sim.nodes.find((n) => n.id !== first)!;
      const creates = other.calls().filter((c) => c.call === 'create' && valuesOf(c.params, 'name')[0] === 'Moved');
      expect(creates).toHaveLength(1);
      expect(valuesOf(creates[0]!.params, 'maxParticipants')).toEqual(['50']);
      expect(valuesOf(creates[0]!.params, 'logo')).toEqual([]);
      expect(valuesOf(creates[0]!.params, 'muteOnStart')).toEqual(['true']);
    } finally {
      await h.sim.node(first)!.setFault({ mode: 'none' });
      await h.sample(first);
    }
  });
});

describe('a bad parameter policy in the environment', () => {
  const main = new URL('../services/gateway-api/dist/main.js', import.meta.url).pathname;

  it.each([
    ['BBB_CREATE_CAPS', 'welcome=5', 'BBB_CREATE_CAPS.welcome: not a numeric create parameter'],
    ['BBB_CREATE_CAPS', 'maxParticipants=0', 'BBB_CREATE_CAPS.maxParticipants: a cap is at least 1'],
    ['BBB_CREATE_BLOCK', 'name', 'BBB_CREATE_BLOCK.0: BBB requires name'],
    ['BBB_JOIN_OVERRIDES', 'meetingID=other', 'BBB_JOIN_OVERRIDES.meetingID: the meeting’s identity'],
  ])('stops the gateway at start (%s=%s), naming the variable and the field', (name, value, message) => {
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`node scripts/build.mjs\` (npm test does)`);
    const r = spawnSync(process.execPath, [main], {
      env: { PATH: process.env.PATH ?? '', OPS_TOKEN: 'policy-test-ops-token', [name]: value },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(78);
    expect(r.stderr).toContain(`gateway-api: invalid configuration: ${message}`);
  });
});
