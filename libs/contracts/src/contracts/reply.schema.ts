import { z } from 'zod';
import { ERROR_CODES } from '../errors.js';

export const errorBodySchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
});

/** Every NATS reply: `{ ok: true, value }` or `{ ok: false, error: { code, message } }`. */
export const replyEnvelope = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: errorBodySchema }),
  ]);
