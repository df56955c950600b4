import type { JoinInfo, JoinReply, RoomLive, RoomSettings, RoomView, UserView } from '@ensemble/contracts';

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

async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; data: T }> {
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
  return { status: res.status, data: data as T };
}

const value = async <T>(p: Promise<{ data: T }>): Promise<T> => (await p).data;

export const api = {
  me: () => value(call<{ user: UserView }>('GET', '/api/me')).then((r) => r.user),
  register: (email: string, password: string, name: string) =>
    value(call<{ user: UserView }>('POST', '/api/auth/register', { email, password, name })).then((r) => r.user),
  login: (email: string, password: string) =>
    value(call<{ user: UserView }>('POST', '/api/auth/login', { email, password })).then((r) => r.user),
  logout: () => call('POST', '/api/auth/logout'),
  rooms: () => value(call<{ rooms: RoomView[] }>('GET', '/api/rooms')).then((r) => r.rooms),
  createRoom: (name: string, settings: RoomSettings, engine: 'bbb' | 'jitsi' = 'bbb') =>
    value(call<RoomView>('POST', '/api/rooms', { name, engine, settings })),
  rotate: (id: string) => value(call<RoomView>('POST', `/api/rooms/${encodeURIComponent(id)}/links/rotate`)),
  deleteRoom: (id: string) => call('DELETE', `/api/rooms/${encodeURIComponent(id)}`),
  live: (id: string) => value(call<RoomLive>('GET', `/api/rooms/${encodeURIComponent(id)}/live`)),
  joinInfo: (token: string) => value(call<JoinInfo>('GET', `/api/join/${encodeURIComponent(token)}`)),
  join: (token: string, displayName: string) =>
    value(call<JoinReply>('POST', `/api/join/${encodeURIComponent(token)}`, { displayName })),
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
    default:
      return e.message.charAt(0).toUpperCase() + e.message.slice(1);
  }
}
