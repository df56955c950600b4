import { Logger, redact, secretValuesOf } from './logger.js';

describe('the JSON logger', () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, logger: new Logger('svc', 'info', (l) => void lines.push(l)) };
  };

  it('writes one JSON object per line with the message and fields', () => {
    const { lines, logger } = capture();
    logger.info('room placed', { roomKey: 'r1', nodeId: 'n1', durationMs: 3 });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'info',
      service: 'svc',
      msg: 'room placed',
      roomKey: 'r1',
      nodeId: 'n1',
    });
  });

  it('drops lines below its level', () => {
    const { lines, logger } = capture();
    logger.debug('noise');
    expect(lines).toHaveLength(0);
  });

  it('redacts secrets by key and by value, however deep', () => {
    const { lines, logger } = capture();
    logger.warn('poll failed', {
      secret: 's3cr3t-value',
      node: { url: 'http://n/api/getMeetings?checksum=abcdef0123', opsToken: 'tok-123' },
      header: 'Bearer tok-456',
      join: 'http://n/join?fullName=a&password=pw-789&meetingID=m',
    });
    const text = lines.join('');
    for (const secret of ['s3cr3t-value', 'abcdef0123', 'tok-123', 'tok-456', 'pw-789'])
      expect(text).not.toContain(secret);
    expect(text).toContain('meetingID=m');
  });

  it("scrubs the configuration's secrets from every line, whatever field or message carries them", () => {
    const config = {
      OPS_TOKEN: 'ops-token-0123456789',
      BBB_API_SECRETS: ['old-secret-0123', 'new-secret-4567'],
      SCW_ACCESS_KEY: 'SCWACCESSKEY0001',
      SCW_SECRET_KEY: 'scw-"quoted"-secret',
      NODE_CHECKSUM_ALGORITHM: 'sha256',
      JITSI_TOKEN_TTL_S: 7200,
      GATEWAY_HOST: '127.0.0.1',
    };
    expect(secretValuesOf(config).sort()).toEqual(
      ['ops-token-0123456789', 'old-secret-0123', 'new-secret-4567', 'SCWACCESSKEY0001', 'scw-"quoted"-secret'].sort(),
    );
    const lines: string[] = [];
    const logger = new Logger('svc', 'info', (l) => void lines.push(l), {}, secretValuesOf(config)).child({ c: 1 });
    logger.warn('terraform said: key SCWACCESSKEY0001 rejected', {
      stderr: 'debug: SCW_SECRET_KEY=scw-"quoted"-secret',
      detail: { deep: ['old-secret-0123', 'new-secret-4567 and ops-token-0123456789'] },
      redis: 'redis://:hunter2-pass@127.0.0.1:6379',
    });
    const text = lines.join('');
    for (const secret of ['SCWACCESSKEY0001', 'quoted', 'old-secret-0123', 'new-secret-4567', 'ops-token', 'hunter2'])
      expect(text).not.toContain(secret);
    expect(JSON.parse(text)).toMatchObject({ msg: 'terraform said: key [redacted] rejected', c: 1 });
    expect(text).toContain('127.0.0.1:6379');
  });

  it('keeps error messages but redacts them too', () => {
    expect(redact(new Error('GET /x?checksum=deadbeef failed'))).toEqual({
      name: 'Error',
      message: 'GET /x?checksum=[redacted] failed',
    });
  });
});
