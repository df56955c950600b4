import { createHmac } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listed, RecordingsStack } from './recordings.test-support.js';

const SECRET = 'playback-secret-0123456789-0123456789';
const PLAYER_PAGE = '<!doctype html><title>bbb-playback</title>';

/**
 * Protected recordings (RECORDINGS_PROTECTED, decision 104): getRecordings hands out playback
 * URLs with a short-lived signed token; opening one sets a cookie for that recording only,
 * and files are served only with one of the two. Tried from the attacker's side.
 */
describe('protected recordings', () => {
  const rs = new RecordingsStack();
  const player = join(rs.dir, 'player');
  let id: string;
  let link: URL;

  beforeAll(async () => {
    mkdirSync(join(player, 'static'), { recursive: true });
    writeFileSync(join(player, 'index.html'), PLAYER_PAGE);
    writeFileSync(join(player, 'static', 'main.js'), 'console.log(1);\n');
    await rs.start({
      videoBytes: 1 << 20,
      gateway: { RECORDINGS_PROTECTED: 'true', RECORDINGS_PLAYBACK_SECRET: SECRET, RECORDINGS_PLAYER_DIR: player },
    });
    id = await rs.recordLecture();
    link = new URL(
      String(
        (listed((await rs.bbb('getRecordings', [['recordID', id]])).xml)[0]!.playback as { format: { url: string } })
          .format.url,
      ),
    );
  }, 120_000);
  afterAll(() => rs.stop());

  const files = (cookie?: string) =>
    fetch(`${rs.stack.gateway.url}/presentation/${id}/metadata.xml`, cookie ? { headers: { cookie } } : {});
  const tokenFor = (kind: string, recordId: string, exp: number) =>
    `${exp}.${createHmac('sha256', SECRET).update(`${kind}\n${recordId}\n${exp}`).digest('base64url')}`;

  it('hands out a link with a token, which opens the player and sets a cookie for this recording', async () => {
    expect(link.pathname).toBe(`/playback/presentation/2.3/${id}`);
    expect(link.searchParams.get('token')).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(PLAYER_PAGE);
    const cookie = page.headers.get('set-cookie')!;
    expect(cookie).toMatch(
      new RegExp(`^ensemble_rec_${id}=\\d+\\.[A-Za-z0-9_-]{43}; Path=/; Max-Age=\\d+; HttpOnly; SameSite=Lax`),
    );
    const served = await files(cookie.split(';')[0]);
    expect(served.status).toBe(200);
    expect(served.headers.get('cache-control')).toContain('private');
    // The player's own files need nothing.
    expect((await fetch(`${rs.stack.gateway.url}/playback/presentation/2.3/static/main.js`)).status).toBe(200);
  });

  it('refuses files without a token or cookie, with a forged, another recording’s or an expired one', async () => {
    expect((await files()).status).toBe(404);
    const past = Math.floor(Date.now() / 1000) - 1;
    const future = Math.floor(Date.now() / 1000) + 600;
    const other = `${'c'.repeat(40)}-1`;
    for (const cookie of [
      `ensemble_rec_${id}=${tokenFor('session', id, past)}`,
      `ensemble_rec_${id}=${tokenFor('session', other, future)}`,
      `ensemble_rec_${id}=${tokenFor('link', id, future)}`, // a link token is not a session
      `ensemble_rec_${id}=${future}.${'A'.repeat(43)}`,
    ]) {
      expect((await files(cookie)).status).toBe(404);
    }
    const expiredLink = new URL(link);
    expiredLink.searchParams.set('token', tokenFor('link', id, past));
    expect((await fetch(expiredLink)).status).toBe(404);
    expect((await fetch(`${rs.stack.gateway.url}/playback/presentation/2.3/${id}`)).status).toBe(404);
  });

  it('does not open an unpublished recording even with a valid token', async () => {
    await rs.bbb('publishRecordings', [
      ['recordID', id],
      ['publish', 'false'],
    ]);
    expect((await fetch(link)).status).toBe(404);
    await rs.bbb('publishRecordings', [
      ['recordID', id],
      ['publish', 'true'],
    ]);
    expect((await fetch(link)).status).toBe(200);
  });
});
