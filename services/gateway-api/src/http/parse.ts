import { DomainError } from '@ensemble/contracts';
import type { z } from 'zod';

/** Validates an external input with its schema; the first problem becomes a typed 400. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'body'): z.output<S> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : what;
  throw new DomainError('invalid-input', `${where}: ${issue?.message ?? 'invalid'}`);
}
