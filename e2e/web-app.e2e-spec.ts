import type { Browser, Page } from 'playwright-core';
import { launchBrowser, prepareBrowser, screenshot } from './browser.test-support.js';
import { seedRecording } from './room-recordings.test-support.js';
import { startRoomsStack, type RoomsStack } from './rooms.test-support.js';

describe('the web app', () => {
  let stack: RoomsStack;
  let base: string;
  let browser: Browser;
  const shot = (page: Page, name: string) => screenshot(page, name);

  beforeAll(async () => {
    prepareBrowser();
    stack = await startRoomsStack({ nodes: 2 });
    base = stack.gateway.url;
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('is served at / and at every page path, never in place of the API', async () => {
    for (const path of ['/', '/login', '/rooms', `/j/${'A'.repeat(43)}`]) {
      const res = await fetch(`${base}${path}`);
      expect([path, res.status, res.headers.get('content-type')]).toEqual([path, 200, 'text/html; charset=utf-8']);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(await res.text()).toContain('<div id="root">');
    }
    for (const path of ['/api/nope', '/metrics/x', '/missing.js']) {
      const res = await fetch(`${base}${path}`);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.headers.get('content-type')).toContain('application/json');
    }
    // The BBB API answers its own way (XML, as BBB does), never with the app.
    const bbb = await fetch(`${base}/bigbluebutton/api/nothing`);
    expect(bbb.headers.get('content-type')).toContain('xml');
    expect(await bbb.text()).toContain('<messageKey>unsupportedRequest</messageKey>');
  });

  it('serves its hashed assets with their types and a long cache life', async () => {
    const html = await (await fetch(`${base}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const res = await fetch(`${base}${script}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('signs up, creates a room, and a second person joins by the participant link on a node', async () => {
    const owner = await browser.newContext({ viewport: { width: 390, height: 844 } }); // phone width
    await owner.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    const page = await owner.newPage();

    await page.goto(`${base}/register`);
    await page.getByLabel('Your name').fill('Grace Hopper');
    await page.getByLabel('Email').fill(`grace-${Date.now()}@example.org`);
    await page.getByLabel('Password').fill('correct horse battery');
    await shot(page, '1-sign-up');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'My rooms' }).waitFor();

    await page.getByLabel('Room name').fill('Compilers 101');
    await page.getByLabel(/Anyone can start the meeting/).check();
    await page.getByLabel('Welcome message').fill('Welcome to Compilers 101');
    await page.getByRole('button', { name: 'Create room' }).click();
    await page.getByRole('heading', { name: 'Compilers 101' }).waitFor();
    await page.getByRole('button', { name: 'Copy participant link of Compilers 101' }).click();
    await page.getByText('Participant link copied.').waitFor();
    await shot(page, '2-my-rooms');
    const link = String(await page.evaluate('navigator.clipboard.readText()'));
    expect(link).toMatch(new RegExp(`^${base}/j/[A-Za-z0-9_-]{43}$`));

    const guest = await browser.newContext();
    const joinPage = await guest.newPage();
    await joinPage.goto(link);
    await joinPage.getByRole('heading', { name: 'Compilers 101' }).waitFor();
    await joinPage.getByText('a participant').waitFor();
    await joinPage.getByLabel(/Your name/).fill('Alan');
    await shot(joinPage, '3-join');
    await joinPage.keyboard.press('Enter');
    await joinPage.waitForURL(/\/html5client\/join\?sessionToken=/);
    await shot(joinPage, '4-node-client');

    const node = stack.sim.nodes.find((n) => joinPage.url().startsWith(`http://127.0.0.1:${n.port}/`))!;
    const meeting = node.meetings().find((m) => m.meetingName === 'Compilers 101')!;
    expect(meeting.attendees.map((a) => [a.fullName, a.role])).toEqual([['Alan', 'VIEWER']]);
    expect(meeting.params.welcome).toBe('Welcome to Compilers 101');
    await Promise.all([owner.close(), guest.close()]);
  });

  it("lists a room's recordings to its owner at phone width: play, unpublish, delete, all by keyboard", async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await ctx.newPage();
    await page.goto(`${base}/register`);
    await page.getByLabel('Your name').fill('Ada Lovelace');
    await page.getByLabel('Email').fill(`ada-${Date.now()}@example.org`);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'My rooms' }).waitFor();
    await page.getByLabel('Room name').fill('Analytical Engines');
    await page.getByRole('button', { name: 'Create room' }).click();
    await page.getByRole('heading', { name: 'Analytical Engines' }).waitFor();

    // Empty first, then two recordings indexed for the room's meeting.
    const recordings = page.getByText(/^Recordings/);
    await recordings.focus();
    await page.keyboard.press('Enter');
    await page.getByText('No recordings yet.').waitFor();
    const roomId = String(await page.evaluate("fetch('/api/rooms').then((r) => r.json()).then((b) => b.rooms[0].id)"));
    const t0 = Date.UTC(2026, 2, 2, 10, 0, 0);
    const first = await seedRecording(stack.gateway, roomId, t0, { name: 'Lecture 1' });
    await seedRecording(stack.gateway, roomId, t0 + 86_400_000, { name: 'Lecture 2' });
    await page.reload();
    await page.getByText(/^Recordings/).focus();
    await page.keyboard.press('Enter');
    const list = page.getByRole('list', { name: 'Recordings of Analytical Engines' });
    await list.waitFor();
    const items = list.getByRole('listitem');
    expect(await items.getByRole('heading').allTextContents()).toEqual(['Lecture 2', 'Lecture 1']); // newest first
    const lecture1 = items.filter({ hasText: 'Lecture 1' });
    const lecture2 = items.filter({ hasText: 'Lecture 2' });
    await lecture1.getByText('1:00:00 · 7 participants').waitFor();
    const play = lecture1.getByRole('link', { name: /Play Lecture 1/ });
    expect(await play.getAttribute('href')).toBe(`${base}/playback/presentation/2.3/${first.recordId}`);
    expect(await play.getAttribute('target')).toBe('_blank');
    await lecture1.getByText('Published', { exact: true }).waitFor();
    await shot(page, '7-room-recordings');

    // Unpublish by keyboard: the label changes and the play link goes.
    await lecture1.getByRole('button', { name: 'Unpublish' }).focus();
    await page.keyboard.press('Enter');
    await lecture1.getByText('Unpublished', { exact: true }).waitFor();
    expect(await lecture1.getByRole('link').count()).toBe(0);
    await lecture1.getByRole('button', { name: 'Publish' }).waitFor();

    // Delete after confirming: gone from the list; dismissing the confirmation keeps it.
    page.once('dialog', (d) => void d.dismiss());
    await lecture2.getByRole('button', { name: 'Delete recording' }).click();
    await lecture2.getByRole('heading', { name: 'Lecture 2' }).waitFor();
    page.once('dialog', (d) => void d.accept());
    await lecture2.getByRole('button', { name: 'Delete recording' }).click();
    await lecture2.waitFor({ state: 'detached' });
    expect(await items.getByRole('heading').allTextContents()).toEqual(['Lecture 1']);
    await page.getByText('Recordings (1)').waitFor();
    // Nothing wider than the phone.
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await shot(page, '8-room-recordings-after');

    // Who can watch (decision 125): public by keyboard lists the published one on the join page.
    await lecture1.getByRole('button', { name: 'Publish' }).click();
    await lecture1.getByText('Published', { exact: true }).waitFor();
    const visibility = page.getByLabel('Who can watch the recordings');
    expect(await visibility.inputValue()).toBe('unlisted');
    await page.getByText('anyone who is given a recording’s link can watch it', { exact: false }).waitFor();
    await visibility.focus();
    await visibility.selectOption('public');
    await page.getByText('Recordings are public now.').waitFor();
    await page.getByText('Listed on the room’s join page', { exact: false }).waitFor();
    const participantLink = String(
      await page.evaluate("fetch('/api/rooms').then((r) => r.json()).then((b) => b.rooms[0].participantLink)"),
    );
    await page.goto(participantLink);
    await page.getByRole('heading', { name: 'Recordings' }).waitFor();
    const listedPlay = page.getByRole('link', { name: /Play presentation/ });
    expect(await listedPlay.getAttribute('href')).toBe(`${base}/playback/presentation/2.3/${first.recordId}`);
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await ctx.close();
  });

  it('says clearly when the password is wrong or a link no longer works', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${base}/login`);
    await page.getByLabel('Email').fill('nobody@example.org');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
    await shot(page, '5-wrong-password');
    await page.goto(`${base}/j/${'B'.repeat(43)}`);
    await page.getByRole('alert').filter({ hasText: 'This link does not work any more' }).waitFor();
    await shot(page, '6-dead-link');
    await ctx.close();
  });
});
