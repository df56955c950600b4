import { z } from 'zod';

/**
 * Callbacks taken over from the nodes (decision 113). Nodes call
 * `<CALLBACK_BASE_URL>/bigbluebutton/callbacks/v1/<source>/<token>`; the token holds the
 * integration's URL, its tenant and meetingID, sealed (AES-256-GCM) with a key derived from
 * CALLBACK_TOKEN_SECRET.
 */
export const callbacksEnvShape = {
  /** Where nodes reach the gateway; default PUBLIC_URL, else the origin the create call came to. */
  CALLBACK_BASE_URL: z
    .string()
    .url()
    .regex(/^https?:\/\//, 'CALLBACK_BASE_URL: expected an http(s) URL')
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  /**
   * Key of the callback tokens (at least 32 characters). Unset: derived from OPS_TOKEN (then a
   * new OPS_TOKEN turns the tokens of running meetings and unprocessed recordings invalid).
   */
  CALLBACK_TOKEN_SECRET: z.string().min(32, 'CALLBACK_TOKEN_SECRET must be at least 32 characters').optional(),
};
