import { ConfigError, parseConfig } from '@ensemble/shared';
import { loadCollectorEnvSchema } from './config.js';

describe('load-collector configuration', () => {
  it('falls back to the documented defaults when nothing is set', () => {
    expect(parseConfig('load-collector', loadCollectorEnvSchema, {})).toEqual({
      NATS_URL: 'nats://127.0.0.1:4222',
      LOG_LEVEL: 'info',
      METRICS_PORT: 9102,
      METRICS_HOST: '127.0.0.1',
      POLL_INTERVAL_S: 30,
      POLL_CONCURRENCY: 32,
      POLL_CONNECT_TIMEOUT_MS: 2000,
      POLL_TIMEOUT_MS: 5000,
      POLL_OFFLINE_TIMEOUT_MS: 1000,
      POLL_MAX_BODY_BYTES: 8 * 1024 * 1024,
      TARGETS_TIMEOUT_MS: 2000,
      COLLECTOR_SHARD_INDEX: 0,
      COLLECTOR_SHARD_COUNT: 1,
      PROM_POLL_INTERVAL_S: 30,
      PROM_TIMEOUT_MS: 5000,
      PROM_STALE_AFTER_S: 90,
      PROM_JITSI_SELECTOR: 'up{job="jitsi"} == 1',
      PROM_CPU_QUERY: '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[1m]))',
      PROM_CONFERENCES_QUERY: 'sum by (instance) (jitsi_conferences)',
      PROM_PARTICIPANTS_QUERY: 'sum by (instance) (jitsi_participants)',
      PROM_LARGEST_QUERY: 'max by (instance) (jitsi_largest_conference)',
      PROM_JITSI_URL_TEMPLATE: 'https://{host}/',
    });
  });

  it('refuses a Jitsi URL template without {host} or {instance}, and a Prometheus URL that is not http(s)', () => {
    expect(() =>
      parseConfig('load-collector', loadCollectorEnvSchema, { PROM_JITSI_URL_TEMPLATE: 'https://meet/' }),
    ).toThrow(/PROM_JITSI_URL_TEMPLATE/);
    expect(() => parseConfig('load-collector', loadCollectorEnvSchema, { PROMETHEUS_URL: 'ftp://x' })).toThrow(
      /PROMETHEUS_URL/,
    );
  });

  it('accepts a fractional poll interval', () => {
    expect(parseConfig('load-collector', loadCollectorEnvSchema, { POLL_INTERVAL_S: '0.5' }).POLL_INTERVAL_S).toBe(0.5);
  });

  it('has no Redis URL, even when the environment sets one', () => {
    const config = parseConfig('load-collector', loadCollectorEnvSchema, { REDIS_URL: 'redis://127.0.0.1:6379' });
    expect('REDIS_URL' in config).toBe(false);
  });

  it.each([
    ['POLL_INTERVAL_S', '0'],
    ['POLL_CONCURRENCY', '0'],
    ['POLL_CONCURRENCY', '2.5'],
    ['POLL_TIMEOUT_MS', 'soon'],
    ['METRICS_PORT', '70000'],
    ['COLLECTOR_SHARD_COUNT', '0'],
    ['COLLECTOR_SHARD_INDEX', '-1'],
  ])('rejects %s=%s and names the variable', (name, value) => {
    expect(() => parseConfig('load-collector', loadCollectorEnvSchema, { [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig('load-collector', loadCollectorEnvSchema, { [name]: value })).toThrow(name);
  });

  it('takes a shard index below the shard count', () => {
    const config = parseConfig('load-collector', loadCollectorEnvSchema, {
      COLLECTOR_SHARD_INDEX: '2',
      COLLECTOR_SHARD_COUNT: '3',
    });
    expect(config).toMatchObject({ COLLECTOR_SHARD_INDEX: 2, COLLECTOR_SHARD_COUNT: 3 });
  });

  it('rejects a shard index at or above the shard count and names the variable', () => {
    const parse = () =>
      parseConfig('load-collector', loadCollectorEnvSchema, { COLLECTOR_SHARD_INDEX: '3', COLLECTOR_SHARD_COUNT: '3' });
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow('COLLECTOR_SHARD_INDEX');
  });
});
