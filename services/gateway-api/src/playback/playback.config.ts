import { z } from 'zod';

/** Playback of stored recordings (decision 104). */
export const playbackEnvShape = {
  /**
   * Protected recordings (as Scalelite offers): playback URLs in getRecordings carry a
   * short-lived signed token, and files are served only with it or the cookie it sets.
   * The default for every tenant that has not chosen (decision 116: `recordingsProtected`
   * per tenant in the ops API).
   */
  RECORDINGS_PROTECTED: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /**
   * The HMAC key of playback tokens (the same on every gateway): required when
   * RECORDINGS_PROTECTED; without it no tenant can be made protected either (decision 116).
   */
  RECORDINGS_PLAYBACK_SECRET: z.string().min(32, 'RECORDINGS_PLAYBACK_SECRET: at least 32 characters').optional(),
  /**
   * BBB's presentation player (bbb-playback's build, as installed on a BBB server under
   * /var/bigbluebutton/playback/presentation/2.3/), served at /playback/presentation/2.3/.
   * Without it the presentation link answers 404 (the files stay reachable).
   */
  RECORDINGS_PLAYER_DIR: z.string().min(1).optional(),
  /** How long a playback URL handed out by getRecordings can be opened. */
  RECORDINGS_PLAYBACK_LINK_TTL_S: z.coerce.number().int().min(10).max(86_400).default(600),
  /** How long the cookie set on opening it lets the player load the recording's files. */
  RECORDINGS_PLAYBACK_SESSION_TTL_S: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 86_400)
    .default(6 * 3600),
};
