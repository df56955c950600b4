import { hs256Jwt } from '../jwt/hs256-jwt.js';

/** Who joins, as Jitsi's token authentication reads it from `context.user`. */
export interface JitsiUser {
  name: string;
  moderator: boolean;
  email?: string;
  /** `owner` for moderators, `member` for participants (Jitsi's token_affiliation convention). */
  affiliation: 'owner' | 'member' | 'teacher' | 'student' | 'guest';
}

export interface JitsiAppCredentials {
  /** `iss`: the app id configured in the node group's prosody (`app_id`). */
  appId: string;
  /** HS256 key: the node group's `app_secret`. Never logged or returned. */
  appSecret: string;
  /** Token lifetime in seconds. */
  ttlS: number;
  /** `aud`; Jitsi's default accepted audience is `jitsi`. */
  audience?: string;
  /** Clock, for tests (ms). */
  now?: () => number;
}

/**
 * A room name as a Jitsi room: lower-case ASCII letters, digits and dashes
 * (accents folded), at most 64 chars; `unique` (e.g. a short room id) is appended
 * so that two rooms with the same name never meet on one node.
 */
export function jitsiRoomSlug(roomName: string, unique?: string): string {
  const slug = (s: string) =>
    s
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '');
  const tail = unique ? slug(unique).slice(0, 24) : '';
  const head = slug(roomName)
    .slice(0, 64 - (tail ? tail.length + 1 : 0))
    .replace(/-+$/, '');
  const joined = [head, tail].filter(Boolean).join('-');
  if (!joined) throw new Error('room name has no letters or digits to make a Jitsi room of');
  return joined;
}

/** An HS256 JWT in the form Jitsi's token authentication (prosody `token` auth) expects. */
export function jitsiToken(host: string, room: string, user: JitsiUser, app: JitsiAppCredentials): string {
  if (app.appSecret.length < 16) throw new Error('Jitsi app secret must be at least 16 chars');
  if (!(app.ttlS > 0)) throw new Error('Jitsi token ttl must be positive');
  const nowS = Math.floor((app.now?.() ?? Date.now()) / 1000);
  const payload = {
    iss: app.appId,
    aud: app.audience ?? 'jitsi',
    sub: host,
    room,
    // A little slack for nodes whose clock runs behind ours.
    nbf: nowS - 10,
    iat: nowS,
    exp: nowS + Math.ceil(app.ttlS),
    context: {
      user: {
        name: user.name,
        moderator: user.moderator,
        affiliation: user.affiliation,
        ...(user.email ? { email: user.email } : {}),
      },
    },
  };
  return hs256Jwt(payload, app.appSecret);
}

/**
 * The join URL on a Jitsi node: `<nodeUrl>/<room slug>?jwt=<token>`. The room slug
 * comes from the room name (plus `unique` when given, see `jitsiRoomSlug`).
 */
export function jitsiJoinUrl(
  nodeUrl: string,
  roomName: string,
  user: JitsiUser,
  app: JitsiAppCredentials & { unique?: string },
): string {
  const base = new URL(nodeUrl);
  const room = jitsiRoomSlug(roomName, app.unique);
  const path = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  const url = new URL(`${path}${room}`, base.origin);
  url.searchParams.set('jwt', jitsiToken(base.hostname, room, user, app));
  return url.toString();
}
