export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Keys whose values never reach a log line, whatever the call site passes. */
const SECRET_KEY = /secret|token|password|passwd|authorization|cookie|checksum|apikey|api_key|access_key|jwt/i;
/** Values that carry a credential inline (signed URLs, bearer headers). */
const SECRET_VALUE: Array<[RegExp, string]> = [
  [/([?&]checksum=)[0-9a-fA-F]+/g, '$1[redacted]'],
  [/(Bearer\s+)\S+/gi, '$1[redacted]'],
  [/([?&](?:jwt|token|password|moderatorPW|attendeePW)=)[^&\s]+/gi, '$1[redacted]'],
  // Credentials inside a URL (redis://:pw@host, nats://user:pw@host).
  [/(\/\/[^/\s:@]*:)[^@\s/]+@/g, '$1[redacted]@'],
];

/** Configuration keys holding credentials (not CHECKSUM_ALGORITHM and its kin). */
const CONFIG_SECRET_KEY = /secret|token|password|access_key/i;

/** Shorter values are not scrubbed as secrets: they would blank out ordinary words. */
const MIN_SECRET_LENGTH = 8;

/**
 * The values of a service's configuration that are secrets (by their key: OPS_TOKEN,
 * BBB_API_SECRET(S), JITSI_APP_SECRET, SCW_SECRET_KEY, SCW_ACCESS_KEY ...). The logger
 * scrubs them from every line, whatever field or message carries them.
 */
export function secretValuesOf(config: object): string[] {
  return Object.entries(config).flatMap(([key, value]) => {
    if (!CONFIG_SECRET_KEY.test(key)) return [];
    const values: unknown[] = Array.isArray(value) ? value : [value];
    return values.filter((v): v is string => typeof v === 'string' && v.length >= MIN_SECRET_LENGTH);
  });
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[deep]';
  if (typeof value === 'string') {
    let out = value;
    for (const [re, rep] of SECRET_VALUE) out = out.replace(re, rep);
    return out;
  }
  if (value instanceof Error) return { name: value.name, message: redact(value.message, depth + 1) };
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
    return out;
  }
  return value;
}

export type LogFields = Record<string, unknown>;

/** One JSON line per event: a stable message plus fields; secrets redacted here, once. */
export class Logger {
  constructor(
    private readonly service: string,
    private readonly level: LogLevel = 'info',
    private readonly sink: (line: string) => void = (l) => process.stdout.write(l),
    private readonly bound: LogFields = {},
    /** Values scrubbed from every line: see secretValuesOf. */
    private readonly secrets: readonly string[] = [],
  ) {
    // As written and as JSON escapes them; the longest first, so no part of one is left behind.
    this.scrub = [...new Set(secrets.filter((v) => v.length >= MIN_SECRET_LENGTH))]
      .flatMap((v) => [v, JSON.stringify(v).slice(1, -1)])
      .sort((a, b) => b.length - a.length);
  }

  private readonly scrub: string[];

  child(fields: LogFields): Logger {
    return new Logger(this.service, this.level, this.sink, { ...this.bound, ...fields }, this.secrets);
  }

  debug(msg: string, fields?: LogFields): void {
    this.write('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.write('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.write('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.write('error', msg, fields);
  }

  private write(level: LogLevel, msg: string, fields?: LogFields): void {
    if (ORDER[level] < ORDER[this.level]) return;
    const record = redact({ ...this.bound, ...fields }) as LogFields;
    let line = JSON.stringify({
      time: new Date().toISOString(),
      level,
      service: this.service,
      msg: redact(msg),
      ...record,
    });
    for (const secret of this.scrub) line = line.replaceAll(secret, '[redacted]');
    this.sink(`${line}\n`);
  }
}
