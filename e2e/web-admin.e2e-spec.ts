import { waitFor } from '@ensemble/testing';
import type { Browser } from 'playwright-core';
import { launchBrowser, prepareBrowser, screenshot } from './browser.test-support.js';
import { Client, OPS_TOKEN, startRoomsStack, type RoomsStack } from './rooms.test-support.js';

/** The web app's Administration area (issue 20, decision 124), at phone width and by keyboard. */
describe('administration in the web app', () => {
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

  it('an administrator switches to sign-up with approval, approves a newcomer and makes them a guest', async () => {
    const adminEmail = `grace-${Date.now()}@example.org`;
    const owner = await browser.newContext({ viewport: { width: 390, height: 844 } }); // phone width
    const page = await owner.newPage();
    await page.goto(`${base}/register`);
    await page.getByLabel('Your name').fill('Grace Hopper');
    await page.getByLabel('Email').fill(adminEmail);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'My rooms' }).waitFor();
    // A user has no administration.
    expect(await page.getByRole('link', { name: 'Administration' }).count()).toBe(0);
    const made = await new Client(base).json(
      'PUT',
      `/api/ops/tenants/default/users/${encodeURIComponent(adminEmail)}/role`,
      { role: 'administrator' },
      { authorization: `Bearer ${OPS_TOKEN}` },
    );
    expect(made.status).toBe(200);
    await page.reload();
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('heading', { name: 'Site settings' }).waitFor();

    // By keyboard: registration with approval, saved with Enter... on the button.
    await page.getByLabel('Registration').focus();
    await page.getByLabel('Registration').selectOption('approval');
    await page.getByRole('button', { name: 'Save settings' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();

    const newcomer = `ada-${Date.now()}@example.org`;
    const other = await browser.newContext();
    const signUp = await other.newPage();
    await signUp.goto(`${base}/register`);
    await signUp.getByLabel('Your name').fill('Ada');
    await signUp.getByLabel('Email').fill(newcomer);
    await signUp.getByLabel('Password').fill('correct horse battery');
    await signUp.getByRole('button', { name: 'Sign up' }).click();
    await signUp.getByText('An administrator must approve it before you can sign in.').waitFor();

    await page.reload();
    await page.getByRole('button', { name: `Approve ${newcomer}` }).click();
    await page.getByRole('button', { name: `Approve ${newcomer}` }).waitFor({ state: 'detached' });
    await page.getByLabel(`Role of ${newcomer}`).selectOption('guest');
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await screenshot(page, '11-administration');

    const ada = new Client(base);
    // The role change is a request of its own: wait until it landed.
    await waitFor(
      'role changed',
      async () => {
        const r = await ada.json('POST', '/api/auth/login', { email: newcomer, password: 'correct horse battery' });
        return r.status === 200 && (await ada.json('GET', '/api/me')).body.role === 'guest';
      },
      { timeoutMs: 5000 },
    );
    expect((await ada.json('POST', '/api/rooms', { name: 'x', engine: 'bbb' })).status).toBe(403);
    await Promise.all([owner.close(), other.close()]);
  });
});
