import { Logger, redact } from './logger.js';

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

  it('keeps error messages but redacts them too', () => {
    expect(redact(new Error('GET /x?checksum=deadbeef failed'))).toEqual({
      name: 'Error',
      message: 'GET /x?checksum=[redacted] failed',
    });
  });
});
