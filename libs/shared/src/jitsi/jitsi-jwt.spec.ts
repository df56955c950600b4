import { jwtVerify } from 'jose';
import { jitsiJoinUrl, jitsiRoomSlug } from './jitsi-jwt.js';

const app = { appId: 'ensemble', appSecret: 'app-secret-of-the-jitsi-group', ttlS: 3600 };
const key = (s: string) => new TextEncoder().encode(s);
const tokenOf = (url: string) => new URL(url).searchParams.get('jwt')!;

describe('Jitsi join links', () => {
  it('join the room slug on the node with an HS256 token that jose verifies with the app secret', async () => {
    const now = Date.now();
    const url = jitsiJoinUrl(
      'https://meet1.example.org/',
      'Équipe Café: weekly sync!',
      { name: 'Ada Lovelace', moderator: true, email: 'ada@example.org', affiliation: 'owner' },
      { ...app, now: () => now },
    );
    const u = new URL(url);
    expect(`${u.origin}${u.pathname}`).toBe('https://meet1.example.org/equipe-cafe-weekly-sync');
    const { payload, protectedHeader } = await jwtVerify(tokenOf(url), key(app.appSecret), {
      issuer: 'ensemble',
      audience: 'jitsi',
      algorithms: ['HS256'],
    });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({
      sub: 'meet1.example.org',
      room: 'equipe-cafe-weekly-sync',
      context: { user: { name: 'Ada Lovelace', moderator: true, affiliation: 'owner', email: 'ada@example.org' } },
    });
    expect(payload.exp).toBe(Math.floor(now / 1000) + 3600);
    expect(payload.nbf).toBeLessThanOrEqual(Math.floor(now / 1000));
  });

  it('carry moderator false for a participant link', async () => {
    const url = jitsiJoinUrl(
      'https://meet1.example.org',
      'Standup',
      {
        name: 'Bob',
        moderator: false,
        affiliation: 'member',
      },
      app,
    );
    const { payload } = await jwtVerify(tokenOf(url), key(app.appSecret));
    expect(payload.context).toEqual({ user: { name: 'Bob', moderator: false, affiliation: 'member' } });
  });

  it('fail verification with another secret', async () => {
    const url = jitsiJoinUrl(
      'https://meet1.example.org/',
      'Standup',
      {
        name: 'Eve',
        moderator: true,
        affiliation: 'owner',
      },
      app,
    );
    await expect(jwtVerify(tokenOf(url), key('some-other-secret-entirely'))).rejects.toThrow(/signature/);
  });

  it('fail verification once expired', async () => {
    const past = Date.now() - 2 * 3600_000;
    const url = jitsiJoinUrl(
      'https://meet1.example.org/',
      'Old',
      { name: 'Old', moderator: false, affiliation: 'member' },
      {
        ...app,
        now: () => past,
      },
    );
    await expect(jwtVerify(tokenOf(url), key(app.appSecret))).rejects.toThrow(/exp/);
  });

  it('make distinct rooms of equal names when given a unique suffix, and refuse a name without letters', () => {
    expect(jitsiRoomSlug('Team', 'r7Kq')).toBe('team-r7kq');
    expect(jitsiRoomSlug('Team', 'x9Zz')).not.toBe(jitsiRoomSlug('Team', 'r7Kq'));
    expect(jitsiRoomSlug('a'.repeat(100), 'id1')).toHaveLength(64);
    expect(() => jitsiRoomSlug('!!!')).toThrow(/letters or digits/);
  });

  it('never put the app secret in the URL', () => {
    const url = jitsiJoinUrl(
      'https://meet1.example.org/',
      'Standup',
      { name: 'A', moderator: true, affiliation: 'owner' },
      app,
    );
    expect(url).not.toContain(app.appSecret);
    expect(Buffer.from(tokenOf(url).split('.')[1]!, 'base64url').toString()).not.toContain(app.appSecret);
  });
});
