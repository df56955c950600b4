import type { Browser } from 'playwright-core';
import { launchBrowser, prepareBrowser, screenshot } from './browser.test-support.js';
import { startRoomsStack, type RoomsStack } from './rooms.test-support.js';

/** Access codes in the web app (issue 20, decision 123): set on the room page, asked on the join page, by keyboard. */
describe('access codes in the web app', () => {
  let stack: RoomsStack;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    prepareBrowser();
    stack = await startRoomsStack({ nodes: 1 });
    base = stack.gateway.url;
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('sets a viewer code on the room page; the join page asks for it, refuses a wrong one, and joins with it', async () => {
    const owner = await browser.newContext({ viewport: { width: 390, height: 844 } }); // phone width
    const page = await owner.newPage();
    await page.goto(`${base}/register`);
    await page.getByLabel('Your name').fill('Barbara Liskov');
    await page.getByLabel('Email').fill(`barbara-${Date.now()}@example.org`);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'My rooms' }).waitFor();
    await page.getByLabel('Room name').fill('Abstraction');
    await page.getByLabel(/Anyone can start the meeting/).check();
    await page.getByRole('button', { name: 'Create room' }).click();
    await page.getByRole('heading', { name: 'Abstraction' }).waitFor();

    // By keyboard: open Access, type the code, Enter.
    await page.getByText('Access', { exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('textbox', { name: /^Viewer code/ }).focus();
    await page.keyboard.type('clu2024x');
    await page.keyboard.press('Enter');
    await page.getByText('Code set. Tell it to those who may join.').waitFor();
    await page.getByLabel('Viewer code (set)').waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await screenshot(page, '9-room-access');
    const link = await page.getByRole('textbox', { name: 'Participant link' }).inputValue();

    const guest = await browser.newContext();
    const join = await guest.newPage();
    await join.goto(link);
    await join.getByRole('heading', { name: 'Abstraction' }).waitFor();
    await join.getByLabel(/Your name/).fill('Alan');
    await join.keyboard.press('Tab');
    await join.keyboard.type('wrong999');
    await join.keyboard.press('Enter');
    await join.getByRole('alert').filter({ hasText: 'Wrong access code.' }).waitFor();
    await screenshot(join, '10-join-wrong-code');
    await join.getByLabel('Access code').fill('clu2024x');
    await join.keyboard.press('Enter');
    await join.waitForURL(/\/html5client\/join\?sessionToken=/);
    const meeting = stack.sim.nodes[0]!.meetings().find((m) => m.meetingName === 'Abstraction')!;
    expect(meeting.attendees.map((a) => [a.fullName, a.role])).toEqual([['Alan', 'VIEWER']]);
    await Promise.all([owner.close(), guest.close()]);
  });
});
