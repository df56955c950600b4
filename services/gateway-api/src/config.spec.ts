import { parseConfig } from '@ensemble/shared';
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
