import { parseConfig } from '@ensemble/shared';
import { globalParameterPolicy } from './bbb-api/parameter-policy.config.js';
import { parameterPolicySchema } from './bbb-api/parameter-policy.js';
import { gatewayEnvSchema, withDeprecatedNames } from './config.js';

const base = { NATS_URL: 'nats://127.0.0.1:4222', OPS_TOKEN: 'a-long-enough-ops-token' };
const parse = (env: Record<string, string>) =>
  parseConfig('gateway-api', gatewayEnvSchema, withDeprecatedNames(env).env);

describe('the node call deadline', () => {
  it('is one setting for web rooms and the BBB API, 10 s by default', () => {
    expect(parse(base).BBB_NODE_TIMEOUT_MS).toBe(10_000);
    expect(parse({ ...base, BBB_NODE_TIMEOUT_MS: '4000' }).BBB_NODE_TIMEOUT_MS).toBe(4000);
  });

  it('still takes the deprecated names when the new one is unset, and says which were used', () => {
    expect(parse({ ...base, BBB_CALL_TIMEOUT_MS: '3000' }).BBB_NODE_TIMEOUT_MS).toBe(3000);
    expect(parse({ ...base, BBB_API_NODE_TIMEOUT_MS: '7000', BBB_CALL_TIMEOUT_MS: '3000' }).BBB_NODE_TIMEOUT_MS).toBe(
      7000,
    );
    expect(parse({ ...base, BBB_NODE_TIMEOUT_MS: '4000', BBB_CALL_TIMEOUT_MS: '3000' }).BBB_NODE_TIMEOUT_MS).toBe(4000);
    expect(withDeprecatedNames({ BBB_CALL_TIMEOUT_MS: '3000' }).used).toEqual(['BBB_CALL_TIMEOUT_MS']);
  });
});

describe('the trusted proxies', () => {
  it('trusts no proxy by default', () => {
    expect(parse(base).TRUSTED_PROXIES).toEqual([]);
  });

  it('reads a comma-separated list of addresses and CIDR blocks, IPv4 and IPv6', () => {
    expect(parse({ ...base, TRUSTED_PROXIES: ' 172.16.0.0/12, 10.0.0.5 ,fd00::/8,::1' }).TRUSTED_PROXIES).toEqual([
      '172.16.0.0/12',
      '10.0.0.5',
      'fd00::/8',
      '::1',
    ]);
  });

  it.each(['10.0.0.0/33', 'nginx', '10.0.0/8', '::1/129', '10.0.0.0/8/1', '10.0.0.0/x'])(
    'stops at start on %s, naming the variable and the bad entry',
    (bad) => {
      expect(() => parse({ ...base, TRUSTED_PROXIES: `127.0.0.1/32,${bad}` })).toThrow(
        new RegExp(`TRUSTED_PROXIES.*"${bad.replace(/[./]/g, '\\$&')}"`),
      );
    },
  );
});

describe('the global parameter policy', () => {
  it('reads the defaults and overrides as before, and blocked names and caps beside them', () => {
    const config = parse({
      ...base,
      BBB_CREATE_DEFAULTS: 'record=false&welcome=Hello%20there',
      BBB_CREATE_OVERRIDES: 'muteOnStart=true',
      BBB_CREATE_BLOCK: ' logo, meta_endCallbackUrl ',
      BBB_CREATE_CAPS: 'maxParticipants=100&duration=240',
      BBB_JOIN_DEFAULTS: 'userdata-bbb_auto_join_audio=true',
      BBB_JOIN_OVERRIDES: 'userdata-bbb_skip_check_audio=true',
      BBB_JOIN_BLOCK: 'avatarURL',
    });
    expect(globalParameterPolicy(config)).toEqual({
      create: {
        defaults: { record: 'false', welcome: 'Hello there' },
        overrides: { muteOnStart: 'true' },
        block: ['logo', 'meta_endCallbackUrl'],
        caps: { maxParticipants: 100, duration: 240 },
      },
      join: {
        defaults: { 'userdata-bbb_auto_join_audio': 'true' },
        overrides: { 'userdata-bbb_skip_check_audio': 'true' },
        block: ['avatarURL'],
        caps: {},
      },
    });
  });

  it('is empty when nothing is set', () => {
    expect(globalParameterPolicy(parse(base))).toEqual(parameterPolicySchema.parse({}));
  });

  it.each([
    [{ BBB_CREATE_CAPS: 'welcome=5' }, 'BBB_CREATE_CAPS.welcome: not a numeric create parameter'],
    [{ BBB_CREATE_CAPS: 'maxParticipants=lots' }, 'BBB_CREATE_CAPS.maxParticipants: a cap is a whole number'],
    [{ BBB_CREATE_CAPS: 'duration=0' }, 'BBB_CREATE_CAPS.duration: a cap is at least 1'],
    [{ BBB_CREATE_DEFAULTS: 'max users=5' }, 'BBB_CREATE_DEFAULTS.max users: not a BBB parameter name'],
    [{ BBB_CREATE_OVERRIDES: 'meetingID=x' }, 'BBB_CREATE_OVERRIDES.meetingID: the meeting’s identity'],
    [{ BBB_CREATE_DEFAULTS: 'record=true&record=false' }, 'BBB_CREATE_DEFAULTS.record: given twice'],
    [{ BBB_JOIN_BLOCK: 'fullName' }, 'BBB_JOIN_BLOCK.0: BBB requires fullName'],
    [{ BBB_JOIN_BLOCK: 'avatarURL', BBB_JOIN_OVERRIDES: 'avatarURL=x' }, 'BBB_JOIN_OVERRIDES.avatarURL: also blocked'],
    [
      { BBB_CREATE_CAPS: 'maxParticipants=100', BBB_CREATE_OVERRIDES: 'maxParticipants=500' },
      'BBB_CREATE_OVERRIDES.maxParticipants: maxParticipants is capped: a whole number from 1 to 100',
    ],
  ])('stops at start on %j, naming the variable and the field', (env, problem) => {
    expect(() => parse({ ...base, ...env })).toThrow(problem);
  });
});
