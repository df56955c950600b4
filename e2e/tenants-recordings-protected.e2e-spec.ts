import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bbb from 'bigbluebutton-js';
import { XMLParser } from 'fast-xml-parser';
import { tenantViewSchema } from '@ensemble/contracts';
import { waitFor } from '@ensemble/testing';
import { listed, RecordingsStack } from './recordings.test-support.js';
import { recordTenantLecture } from './tenants.test-support.js';

const PLAYBACK_SECRET = 'tenant-playback-secret-0123456789-abcdef';
const SECRET_A = 'prot-tenant-a-secret-0123456789ab';
const SECRET_B = 'prot-tenant-b-secret-0123456789ab';
const PLAYER_PAGE = '<!doctype html><title>bbb-playback</title>';

const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: true });

/**
 * Protected recordings per tenant (decision 116), with the global RECORDINGS_PROTECTED off
 * and RECORDINGS_PLAYBACK_SECRET set: uni-a made protected through the ops API, uni-b left to
 * the default. Each records a lecture through its own BBB API (the real post_publish transfer).
 * uni-a's links carry a token and its files open only with it or the cookie it sets;
 * uni-b's open to anyone; changing a tenant's choice takes effect at once.
 */
describe("a tenant's protected recordings", () => {
  const r = new RecordingsStack();
  const player = join(r.dir, 'player');
  const api = (t: string, secret: string) => bbb.api(`${r.stack.gateway.url}/t/${t}/bigbluebutton/`, secret);
  const a = () => api('uni-a', SECRET_A);
  const b = () => api('uni-b', SECRET_B);
  let idA = '';
  let idB = '';

  /** The playback URL getRecordings hands the tenant for its recording. */
  const playbackUrl = async (tenant: ReturnType<typeof a>, id: string): Promise<URL> => {
    const body = await (await fetch(tenant.recording.getRecordings({ recordID: id }))).text();
    const [rec] = listed((parser.parse(body) as { response: Record<string, unknown> }).response);
    return new URL((rec!.playback as { format: { url: string } }).format.url);
  };
  const file = (id: string, cookie?: string) =>
    fetch(`${r.stack.gateway.url}/presentation/${id}/metadata.xml`, cookie ? { headers: { cookie } } : {});
  const setProtected = async (tenant: string, recordingsProtected: boolean | null) =>
    tenantViewSchema.parse(await r.stack.json('PATCH', `/api/ops/tenants/${tenant}`, { recordingsProtected }));

  beforeAll(async () => {
    mkdirSync(player, { recursive: true });
    writeFileSync(join(player, 'index.html'), PLAYER_PAGE);
    await r.start({
      videoBytes: 1 << 20,
      gateway: { RECORDINGS_PLAYBACK_SECRET: PLAYBACK_SECRET, RECORDINGS_PLAYER_DIR: player },
    });
    await r.stack.json('POST', '/api/ops/tenants', { name: 'uni-a', secret: SECRET_A, recordingsProtected: true });
    await r.stack.json('POST', '/api/ops/tenants', { name: 'uni-b', secret: SECRET_B });
    await waitFor(
      'tenants known',
      async () => (await bbb.http(b().monitoring.getMeetings())).returncode === 'SUCCESS',
      { timeoutMs: 30_000 },
    );
    idA = await recordTenantLecture(r, a(), 'uni-a~lecture');
    idB = await recordTenantLecture(r, b(), 'uni-b~lecture');
  }, 120_000);
  afterAll(() => r.stop());

  it('shows each choice in the ops API: one protected, the other left to the default (off)', async () => {
    const rows = await r.sql<{ record_id: string; tenant: string }>(
      'SELECT record_id, tenant FROM recordings ORDER BY tenant',
    );
    expect(rows).toEqual([
      { record_id: idA, tenant: 'uni-a' },
      { record_id: idB, tenant: 'uni-b' },
    ]);
    const { tenants } = await r.stack.json<{ tenants: unknown[] }>('GET', '/api/ops/tenants');
    expect(
      tenants
        .map((t) => tenantViewSchema.parse(t))
        .map((t) => [t.name, t.recordingsProtected, t.recordingsProtectedEffective]),
    ).toEqual([
      ['default', null, false],
      ['uni-a', true, true],
      ['uni-b', null, false],
    ]);
  });

  it("hands out the protected tenant's links with a token, which alone opens them and sets the cookie", async () => {
    const link = await playbackUrl(a(), idA);
    expect(link.pathname).toBe(`/playback/presentation/2.3/${idA}`);
    expect(link.searchParams.get('token')).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
    // Without the token: the player link and the files are as missing.
    const bare = new URL(link);
    bare.search = '';
    expect((await fetch(bare)).status).toBe(404);
    expect((await file(idA)).status).toBe(404);
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(PLAYER_PAGE);
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
    expect(cookie).toMatch(new RegExp(`^ensemble_rec_${idA}=\\d+\\.[A-Za-z0-9_-]{43}$`));
    const served = await file(idA, cookie);
    expect(served.status).toBe(200);
    expect(served.headers.get('cache-control')).toBe('private, max-age=300');
    // The cookie is for this recording only: under another recording's name it opens nothing of this one.
    expect((await file(idA, cookie.replace(idA, idB))).status).toBe(404);
  });

  it("serves the other tenant's recordings to anyone, without a token", async () => {
    const link = await playbackUrl(b(), idB);
    expect(link.pathname).toBe(`/playback/presentation/2.3/${idB}`);
    expect(link.search).toBe('');
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('set-cookie')).toBeNull();
    const served = await file(idB);
    expect(served.status).toBe(200);
    expect(served.headers.get('cache-control')).toBe('public, max-age=300');
  });

  it('follows a change of choice at once: back to the default opens, protecting the other closes', async () => {
    expect(await setProtected('uni-a', null)).toMatchObject({
      recordingsProtected: null,
      recordingsProtectedEffective: false,
    });
    expect((await playbackUrl(a(), idA)).search).toBe('');
    expect((await file(idA)).status).toBe(200);

    await setProtected('uni-b', true);
    expect((await file(idB)).status).toBe(404);
    const link = await playbackUrl(b(), idB);
    expect(link.searchParams.get('token')).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
    expect((await fetch(link)).status).toBe(200);
    // false is a choice too: open even if RECORDINGS_PROTECTED were turned on.
    expect(await setProtected('uni-b', false)).toMatchObject({ recordingsProtectedEffective: false });
    expect((await file(idB)).status).toBe(200);
  });

  it('records every change in the audit log', async () => {
    type Page = { events: Array<{ action: string; target: string; details: Record<string, unknown> }> };
    const added = await r.stack.json<Page>('GET', '/api/ops/audit?action=tenant.add&limit=50');
    expect(added.events.reverse().map((e) => [e.target, e.details['recordingsProtected']])).toEqual([
      ['uni-a', true],
      ['uni-b', null],
    ]);
    const page = await r.stack.json<Page>('GET', '/api/ops/audit?action=tenant.update&limit=50');
    expect(page.events.reverse().map((e) => [e.target, e.details])).toEqual([
      ['uni-a', { recordingsProtected: null }],
      ['uni-b', { recordingsProtected: true }],
      ['uni-b', { recordingsProtected: false }],
    ]);
  });
});
