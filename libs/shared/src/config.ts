import { z } from 'zod';

export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: string[],
  ) {
    super(`${service}: invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Env pieces every service shares; each service extends this schema. */
export const baseEnvSchema = z.object({
  NATS_URL: z
    .string()
    .regex(/^(nats|tls|ws|wss):\/\/\S+$/, 'expected nats://host:port')
    .default('nats://127.0.0.1:4222'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export const redisEnvSchema = z.object({
  REDIS_URL: z
    .string()
    .regex(
      /^(rediss?:\/\/\S+|redis\+sentinel:\/\/\S+\/[A-Za-z0-9._-]+)$/,
      'expected redis://host:port or redis+sentinel://host:port[,host:port...]/primaryName',
    )
    .default('redis://127.0.0.1:6379'),
});

/** PostgreSQL of a service that keeps durable records (accounts, rooms...); see docs/decisions/090. */
export const databaseEnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'expected postgres://user[:password]@host:port/database')
    .default('postgres://ensemble@127.0.0.1:5432/ensemble'),
});

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const positiveNumber = (fallback: number) => z.coerce.number().positive().finite().default(fallback);

/**
 * Parses env once at start into a frozen, typed object. Empty strings count
 * as unset so `FOO=` falls back to the default rather than failing oddly.
 */
export function parseConfig<S extends z.ZodObject>(
  service: string,
  schema: S,
  env: Record<string, string | undefined> = process.env,
): Readonly<z.infer<S>> {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(service, problems);
  }
  return Object.freeze(result.data) as Readonly<z.infer<S>>;
}

/** For `main.ts`: a bad variable stops the process with a message naming it. */
export function configOrExit<S extends z.ZodObject>(service: string, schema: S): Readonly<z.infer<S>> {
  try {
    return parseConfig(service, schema);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
}

/** A comma-separated env list: entries trimmed, empty ones dropped (unset or '': none). */
export const commaList = (raw: string | undefined): string[] =>
  (raw ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
