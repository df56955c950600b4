import {
  adminRoomsReplySchema,
  adminUserViewSchema,
  adminUsersReplySchema,
  authMethodsSchema,
  meReplySchema,
  pendingApprovalReplySchema,
  roleViewSchema,
  rolesReplySchema,
  siteSettingsSchema,
  joinInfoSchema,
  joinReplySchema,
  roomListSchema,
  roomMemberListSchema,
  roomMemberSchema,
  roomLiveSchema,
  roomRecordingPageSchema,
  roomRecordingSchema,
  roomViewSchema,
  userReplySchema,
  type RoleName,
  type RoomSettings,
  type UpdateAdminUserBody,
  type UpdateRoleBody,
  type UpdateRoomBody,
  type UpdateSiteSettingsBody,
} from '@ensemble/contracts';

/** An error the server answered (`{ error: { code, message } }`) or the network failed. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach Ensemble. Check your connection and try again.');
  }
  const text = await res.text();
  const data = text ? (JSON.parse(text) as unknown) : null;
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, e?.code ?? 'internal', e?.message ?? `Request failed (${res.status})`);
  }
  return data;
}

/** A contract's zod schema, as far as reading an answer needs it. */
export type AnswerSchema<T> = { safeParse(v: unknown): { success: true; data: T } | { success: false } };

/** The answer read by its schema: what the page shows is what the contract says. */
async function answer<T>(schema: AnswerSchema<T>, p: Promise<unknown>): Promise<T> {
  const r = schema.safeParse(await p);
  if (!r.success)
    throw new ApiError(502, 'bad-answer', 'Ensemble answered something this page does not understand. Reload it.');
  return r.data;
}

const room = (id: string) => `/api/rooms/${encodeURIComponent(id)}`;
const recording = (id: string, recordId: string) => `${room(id)}/recordings/${encodeURIComponent(recordId)}`;
const link = (token: string) => `/api/join/${encodeURIComponent(token)}`;

export const api = {
  methods: () => answer(authMethodsSchema, call('GET', '/api/auth/methods')),
  me: () => answer(meReplySchema, call('GET', '/api/me')),
  /** The user signed in, or `pending` under registration with approval (no session yet). */
  register: async (email: string, password: string, name: string) => {
    const r = await call('POST', '/api/auth/register', { email, password, name });
    if (pendingApprovalReplySchema.safeParse(r).success) return 'pending' as const;
    return (await answer(userReplySchema, Promise.resolve(r))).user;
  },
  login: (email: string, password: string) =>
    answer(userReplySchema, call('POST', '/api/auth/login', { email, password })).then((r) => r.user),
  logout: () => call('POST', '/api/auth/logout'),
  rooms: () => answer(roomListSchema, call('GET', '/api/rooms')).then((r) => r.rooms),
  createRoom: (name: string, settings: RoomSettings, engine: 'bbb' | 'jitsi' = 'bbb') =>
    answer(roomViewSchema, call('POST', '/api/rooms', { name, engine, settings })),
  updateRoom: (id: string, change: UpdateRoomBody) => answer(roomViewSchema, call('PATCH', room(id), change)),
  members: (id: string) => answer(roomMemberListSchema, call('GET', `${room(id)}/members`)).then((r) => r.members),
  addMember: (id: string, email: string) => answer(roomMemberSchema, call('POST', `${room(id)}/members`, { email })),
  removeMember: (id: string, userId: string) => call('DELETE', `${room(id)}/members/${encodeURIComponent(userId)}`),
  rotate: (id: string) => answer(roomViewSchema, call('POST', `${room(id)}/links/rotate`)),
  deleteRoom: (id: string) => call('DELETE', room(id)),
  live: (id: string) => answer(roomLiveSchema, call('GET', `${room(id)}/live`)),
  recordings: (id: string, offset: number, limit: number) =>
    answer(roomRecordingPageSchema, call('GET', `${room(id)}/recordings?offset=${offset}&limit=${limit}`)),
  setPublished: (id: string, recordId: string, published: boolean) =>
    answer(roomRecordingSchema, call('POST', `${recording(id, recordId)}/${published ? 'publish' : 'unpublish'}`)),
  deleteRecording: (id: string, recordId: string) => call('DELETE', recording(id, recordId)),
  adminUsers: () => answer(adminUsersReplySchema, call('GET', '/api/admin/users')).then((r) => r.users),
  updateUser: (id: string, change: UpdateAdminUserBody) =>
    answer(adminUserViewSchema, call('PATCH', `/api/admin/users/${encodeURIComponent(id)}`, change)),
  adminRooms: () => answer(adminRoomsReplySchema, call('GET', '/api/admin/rooms')).then((r) => r.rooms),
  roles: () => answer(rolesReplySchema, call('GET', '/api/admin/roles')).then((r) => r.roles),
  updateRole: (name: RoleName, change: UpdateRoleBody) =>
    answer(roleViewSchema, call('PUT', `/api/admin/roles/${name}`, change)),
  settings: () => answer(siteSettingsSchema, call('GET', '/api/admin/settings')),
  updateSettings: (change: UpdateSiteSettingsBody) =>
    answer(siteSettingsSchema, call('PUT', '/api/admin/settings', change)),
  joinInfo: (token: string) => answer(joinInfoSchema, call('GET', link(token))),
  join: (token: string, displayName: string, code?: string) =>
    answer(joinReplySchema, call('POST', link(token), { displayName, ...(code ? { code } : {}) })),
};

/** What a person should read for an error: plain words, and what to do next. */
export function explain(e: unknown): string {
  if (!(e instanceof ApiError)) return 'Something went wrong. Please try again.';
  switch (e.code) {
    case 'unauthorized':
      return e.message === 'wrong email or password' ? 'Wrong email or password.' : 'Please sign in first.';
    case 'rate-limited':
      return 'Too many attempts. Wait a few minutes, then try again.';
    case 'no-capacity':
      return 'No meeting server has room right now. Please try again in a minute.';
    case 'unavailable':
      return 'The service is busy or a meeting server is not answering. Please try again shortly.';
    case 'conflict':
      return 'An account with this email already exists. Sign in instead?';
    case 'payload-too-large':
      return 'That is too much text.';
    case 'quota-meetings':
      return 'Your institution runs as many meetings as it may at once. Please try again when one has ended.';
    case 'quota-participants':
      return 'Your institution has as many people in meetings as it may at once. Please try again later.';
    default:
      return e.message.charAt(0).toUpperCase() + e.message.slice(1);
  }
}

/** Runs an action of a page: its message cleared first, and an error explained into it. */
export async function attempt(show: (message: string) => void, what: () => Promise<unknown>): Promise<void> {
  show('');
  try {
    await what();
  } catch (e) {
    show(explain(e));
  }
}
