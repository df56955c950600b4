import { z } from 'zod';

/** True when a string has no C0 control character or DEL (names shown to others). */
export function noControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return false;
  }
  return true;
}

/** Emails compare case-insensitively: stored and looked up in lower case. */
export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .email('email: not a valid address')
  .transform((e) => e.toLowerCase());

export const passwordSchema = z
  .string()
  .min(8, 'password: at least 8 characters')
  .max(200, 'password: at most 200 characters');

export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'name: required')
  .max(100, 'name: at most 100 characters')
  .refine(noControlChars, 'name: no control characters');

/** `POST /api/auth/register`. */
export const registerBodySchema = z
  .object({ email: emailSchema, password: passwordSchema, name: displayNameSchema })
  .strict();
export type RegisterBody = z.infer<typeof registerBodySchema>;

/** `POST /api/auth/login`: any password length is checked (and fails), not rejected as input. */
export const loginBodySchema = z.object({ email: emailSchema, password: z.string().min(1).max(200) }).strict();
export type LoginBody = z.infer<typeof loginBodySchema>;

/** What `GET /api/me`, register and login answer. Never a hash. */
export const userViewSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  createdAt: z.number().int(),
});
export type UserView = z.infer<typeof userViewSchema>;
/** The answer of `GET /api/me`, register and login. */
export const userReplySchema = z.object({ user: userViewSchema });
