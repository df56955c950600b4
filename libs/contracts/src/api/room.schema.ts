import { z } from 'zod';
import { engineSchema } from '../contracts/common.schema.js';
import { displayNameSchema, emailSchema, noControlChars } from './account.schema.js';

/**
 * A room's BBB settings, the ones Greenlight offers its owners. Defaults are
 * Greenlight's: nobody muted, no approval, participants wait for a moderator.
 */
const settingFields = {
  muteOnJoin: z.boolean(),
  /** Guest policy ASK_MODERATOR: a moderator admits each participant. */
  requireApproval: z.boolean(),
  allJoinAsModerator: z.boolean(),
  /** Off: participants wait until a moderator has started the meeting. */
  anyoneCanStart: z.boolean(),
  welcome: z.string().max(2000),
  /** 0 = no limit. */
  maxParticipants: z.number().int().min(0).max(10_000),
  record: z.boolean(),
};

export const roomSettingsSchema = z
  .object({
    muteOnJoin: settingFields.muteOnJoin.default(false),
    requireApproval: settingFields.requireApproval.default(false),
    allJoinAsModerator: settingFields.allJoinAsModerator.default(false),
    anyoneCanStart: settingFields.anyoneCanStart.default(false),
    welcome: settingFields.welcome.default(''),
    maxParticipants: settingFields.maxParticipants.default(0),
    record: settingFields.record.default(false),
  })
  .strict();
export type RoomSettings = z.infer<typeof roomSettingsSchema>;

export const roomNameSchema = z
  .string()
  .trim()
  .min(1, 'name: required')
  .max(120, 'name: at most 120 characters')
  .refine(noControlChars, 'name: no control characters');

/** `POST /api/rooms`. */
export const createRoomBodySchema = z
  .object({
    name: roomNameSchema,
    engine: engineSchema.default('bbb'),
    settings: roomSettingsSchema.default(roomSettingsSchema.parse({})),
  })
  .strict();
export type CreateRoomBody = z.infer<typeof createRoomBodySchema>;

/**
 * An access code (decision 123): set by the room's owner, told to those who may join. Short
 * enough to type; guessing is held back by the rate limit, not by its length.
 */
export const accessCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9]{6,10}$/, 'access code: 6 to 10 letters or digits');

/**
 * Who may watch a room's recordings (issue 20, decision 125), Greenlight's named states:
 * `public` listed on the room's join page and playable by URL; `unlisted` playable by URL,
 * listed to nobody but the owners; `protected` playable only through the short-lived links
 * the owners' list hands out; `private` the same, and the link opens only in a browser
 * signed in as an owner or co-owner.
 */
export const recordingVisibilitySchema = z.enum(['public', 'unlisted', 'protected', 'private']);
export type RecordingVisibility = z.infer<typeof recordingVisibilitySchema>;

/**
 * `PATCH /api/rooms/:id`: a new name and/or some settings (merged); access codes (null
 * clears one) and whether joining needs a signed-in account.
 */
export const updateRoomBodySchema = z
  .object({
    name: roomNameSchema.optional(),
    settings: z.object(settingFields).partial().strict().optional(),
    viewerCode: accessCodeSchema.nullable().optional(),
    moderatorCode: accessCodeSchema.nullable().optional(),
    requireSignIn: z.boolean().optional(),
    recordingVisibility: recordingVisibilitySchema.optional(),
  })
  .strict()
  .refine((b) => !b.viewerCode || b.viewerCode !== b.moderatorCode, {
    message: 'the viewer and moderator codes must differ',
    path: ['moderatorCode'],
  });
export type UpdateRoomBody = z.infer<typeof updateRoomBodySchema>;

export const roomViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  engine: engineSchema,
  settings: roomSettingsSchema,
  moderatorLink: z.string(),
  participantLink: z.string(),
  createdAt: z.number().int(),
  /** The caller's part: the owner, or a co-owner the owner shared the room with (decision 123). */
  access: z.enum(['owner', 'co-owner']),
  /** Whether each access code is set (the codes themselves are kept only as hashes). */
  hasViewerCode: z.boolean(),
  hasModeratorCode: z.boolean(),
  requireSignIn: z.boolean(),
  recordingVisibility: recordingVisibilitySchema,
});
export type RoomView = z.infer<typeof roomViewSchema>;
/** The answer of `GET /api/rooms`. */
export const roomListSchema = z.object({ rooms: z.array(roomViewSchema) });

/** `GET /api/rooms/:id/live`: the meeting right now, if running. */
export const roomLiveSchema = z.object({ running: z.boolean(), participants: z.number().int().nonnegative() });
export type RoomLive = z.infer<typeof roomLiveSchema>;

export const joinRoleSchema = z.enum(['moderator', 'viewer']);
export type JoinRole = z.infer<typeof joinRoleSchema>;

/**
 * `GET /api/join/:token`: what a link holder may know. `code`: whether the join asks for an
 * access code (`optional`: only a moderator code is set, which makes its holder a moderator).
 */
export const joinInfoSchema = z.object({
  roomName: z.string(),
  engine: engineSchema,
  role: joinRoleSchema,
  code: z.enum(['none', 'optional', 'required']),
  requireSignIn: z.boolean(),
  /** A public room's published recordings, newest first (decision 125); empty for any other. */
  recordings: z.array(
    z.object({
      recordId: z.string(),
      name: z.string(),
      startTime: z.number().int(),
      lengthMs: z.number().int().nonnegative(),
      /** Playback paths on Ensemble's host, one per format. */
      formats: z.array(z.object({ format: z.string(), playbackPath: z.string() })),
    }),
  ),
});
export type JoinInfo = z.infer<typeof joinInfoSchema>;

/** `POST /api/join/:token`; `code`: an access code when the room has them (any text: a wrong one is refused). */
export const joinBodySchema = z
  .object({ displayName: displayNameSchema, code: z.string().max(64).optional() })
  .strict();
export type JoinBody = z.infer<typeof joinBodySchema>;

/** 200 `{ status: 'ready', url }`, or 202 `{ status: 'waiting' }` until a moderator starts the meeting. */
export const joinReplySchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('ready'), url: z.string() }),
  z.object({ status: z.literal('waiting'), retryAfterMs: z.number().int() }),
]);
export type JoinReply = z.infer<typeof joinReplySchema>;

/** An error as every HTTP route answers it. */
export const apiErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ApiError = z.infer<typeof apiErrorSchema>;

/** `POST /api/rooms/:id/members`: share the room with a user of the same tenant. */
export const addRoomMemberBodySchema = z.object({ email: emailSchema }).strict();
export type AddRoomMemberBody = z.infer<typeof addRoomMemberBodySchema>;

/** A user a room is shared with (decision 123). */
export const roomMemberSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.literal('co-owner'),
  addedAt: z.number().int(),
});
export type RoomMember = z.infer<typeof roomMemberSchema>;
export const roomMemberListSchema = z.object({ members: z.array(roomMemberSchema) });
