import { waitFor } from '@ensemble/testing';
import type { Browser, Dialog, Page } from 'playwright-core';
import { BbbSim } from '@ensemble/bbb-sim';
import { ProvisionerHarness } from '../services/provisioner/src/provisioner-harness.test-support.js';
import { launchBrowser, prepareBrowser, screenshot } from './browser.test-support.js';
import { buildCli, runCliOk } from './cli.test-support.js';
import { FleetStack, OPS_TOKEN } from './fleet-stack.test-support.js';

/** Browser, CLI processes and a live fleet on a shared 2-core machine: room for slowness, not a speed test. */
const SLOW = 180_000;
/** The dashboard reads the whole cluster only every 30 s: anything seen sooner came over the event stream. */
const LIVE = { timeout: 15_000 };

/** The ops dashboard at /ops in Chromium, against a live fleet (bbb-sim polled by a real collector). */
describe('the ops dashboard', () => {
  const stack = new FleetStack();
  const provisioner = new ProvisionerHarness();
  let spare: BbbSim | undefined;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  /** What the next confirmation answers (then back to yes). */
  let answer = true;

  const ensemble = (...args: string[]) =>
    runCliOk(args, { url: stack.gateway.url, token: OPS_TOKEN, operator: 'cli-test', timeoutMs: 30_000 });
  const card = (id: string) => page.getByRole('region', { name: id, exact: true });

  beforeAll(async () => {
    prepareBrowser();
    await buildCli();
    await stack.start({ nodes: 2 });
    await waitFor('online', async () => (await stack.json('GET', '/api/ops/cluster')).totals.online === 2);
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('dialog', (d: Dialog) => {
      dialogs.push(d.message());
      void (answer ? d.accept() : d.dismiss());
      answer = true;
    });
  }, SLOW);
  afterAll(async () => {
    await browser?.close();
    await provisioner.stop({ keepServers: true });
    await spare?.stop();
    await stack.stop();
  });

  it(
    'refuses a wrong token with a clear message, and signs in with the right one (never in the URL)',
    async () => {
      await page.goto(`${stack.gateway.url}/ops`);
      await page.getByLabel('Ops token').fill('not-the-ops-token-at-all');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'Wrong ops token' }).waitFor();
      await screenshot(page, 'ops-1-wrong-token');

      await page.getByLabel('Ops token').fill(OPS_TOKEN);
      await page.getByLabel(/Your name/).fill('erin');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Fleet', exact: true }).waitFor();
      await page
        .getByRole('status')
        .filter({ hasText: /^Live$/ })
        .waitFor();
      expect(page.url()).toBe(`${stack.gateway.url}/ops`);
      expect(await page.evaluate(() => window.localStorage.length)).toBe(0);
    },
    SLOW,
  );

  it(
    'shows one card per node with its health badge, and the cluster totals',
    async () => {
      for (const n of stack.sim.nodes) {
        await card(n.id).getByText('health: online').waitFor();
        await card(n.id).getByText('state: enabled').waitFor();
      }
      const totals = page.getByRole('region', { name: 'Cluster' });
      expect(await totals.getByText('Nodes', { exact: true }).locator('+ dd').textContent()).toBe('2');
      expect(await totals.getByText('Online', { exact: true }).locator('+ dd').textContent()).toBe('2');
      // Callbacks to integrations not delivered (decision 113): none in this fleet.
      await page
        .getByRole('region', { name: 'Callbacks to integrations' })
        .getByText('0 pending, 0 retrying, 0 given up, 0 dropped (tenant gone).')
        .waitFor();
    },
    SLOW,
  );

  it(
    'moves a node’s load bar and the totals as soon as a poll sees new participants',
    async () => {
      stack.sim.nodes[0]!.seedMeetings([{ meetingID: 'lecture', participants: 3 }]);
      const bbb1 = card('bbb-1');
      await bbb1.getByText(/^3 users \(100% of the fleet's\)/).waitFor(LIVE);
      expect(await bbb1.getByRole('meter', { name: 'Users' }).getAttribute('aria-valuenow')).toBe('100');
      await page
        .getByRole('region', { name: 'Cluster' })
        .getByText('Users', { exact: true })
        .locator('+ dd')
        .getByText('3')
        .waitFor(LIVE);
      await card('bbb-2')
        .getByText(/^0 users/)
        .waitFor();
      await screenshot(page, 'ops-2-live-load');
    },
    SLOW,
  );

  it(
    'shows a health transition live: a node that stops answering goes offline, then back online',
    async () => {
      await stack.sim.nodes[1]!.setFault({ mode: 'down' });
      await card('bbb-2').getByText('health: offline').waitFor(LIVE);
      await screenshot(page, 'ops-3-node-offline');
      await stack.sim.nodes[1]!.setFault({ mode: 'none' });
      await card('bbb-2').getByText('health: online').waitFor(LIVE);
    },
    SLOW,
  );

  it(
    'asks before disabling (declined: nothing changes), cordons from the UI, and the CLI lists it cordoned',
    async () => {
      const bbb1 = card('bbb-1');
      answer = false;
      await bbb1.getByRole('button', { name: 'Disable bbb-1' }).click();
      expect(dialogs.at(-1)).toMatch(/^Disable bbb-1\? /);
      expect((await stack.node('bbb-1')).state).toBe('enabled');

      // bbb-1 runs a meeting: cordoned, it keeps it (an empty one would disable itself).
      await bbb1.getByRole('button', { name: 'Cordon bbb-1' }).click();
      await bbb1.getByRole('status').filter({ hasText: 'bbb-1 is now cordoned.' }).waitFor();
      await bbb1.getByText('state: cordoned').waitFor();
      await page
        .getByRole('region', { name: 'Cluster' })
        .getByText('Cordoned', { exact: true })
        .locator('+ dd')
        .getByText('1')
        .waitFor();
      await screenshot(page, 'ops-4-cordoned');

      const nodes = JSON.parse(await ensemble('nodes', 'list', '--json')) as { id: string; state: string }[];
      expect(nodes.map((n) => [n.id, n.state])).toEqual([
        ['bbb-1', 'cordoned'],
        ['bbb-2', 'enabled'],
      ]);
      expect(stack.logs.join('\n')).toMatch(/"node updated".*"nodeId":"bbb-1".*"by":"erin"/);
    },
    SLOW,
  );

  it(
    'shows a change made elsewhere (the CLI enables the node again) without a reload',
    async () => {
      await ensemble('nodes', 'enable', 'bbb-1');
      await card('bbb-1').getByText('state: enabled').waitFor(LIVE);
    },
    SLOW,
  );

  it(
    'panics a node only after confirming, and reports the meetings it ended',
    async () => {
      await card('bbb-1').getByRole('button', { name: 'Panic bbb-1' }).click();
      expect(dialogs.at(-1)).toMatch(/^Panic bbb-1\? Every meeting on it ends now/);
      await card('bbb-1')
        .getByRole('status')
        .filter({ hasText: /^bbb-1 disabled: 1 meeting ended, 0 failed/ })
        .waitFor();
      await card('bbb-1').getByText('state: disabled').waitFor(LIVE);
      expect(stack.sim.nodes[0]!.meetings()).toHaveLength(0);
    },
    SLOW,
  );

  it(
    'says that provisioning is unavailable when no provisioner answers, in the list and on scale-out',
    async () => {
      const runs = page.getByRole('region', { name: 'Provisioning runs' });
      await runs.getByText(/^Provisioning is unavailable/).waitFor();
      await runs.getByLabel('Nodes to add').fill('2');
      await runs.getByLabel('Reason').fill('evening peak');
      await runs.getByRole('button', { name: 'Scale out' }).click();
      await runs
        .getByRole('alert')
        .filter({ hasText: /^Provisioning is unavailable/ })
        .waitFor();
      await screenshot(page, 'ops-5-runs-unavailable');
    },
    SLOW,
  );

  it(
    'starts a scale-out from the form, follows the run live to the new node, and says busy while one runs',
    async () => {
      // The provisioner (Terraform stubbed) joins the live fleet; its new server is one more bbb-sim node.
      spare = await BbbSim.start({ nodes: 1 });
      await provisioner.start({}, { nats: stack.nats, redis: stack.redis });
      const server = spare.nodes[0]!;
      provisioner.dir.scenario('success', [
        { api_url: server.apiUrl, secret: server.secret, ipv4: '127.0.0.1', hostname: 'bbb-new.example.org' },
      ]);
      const runs = page.getByRole('region', { name: 'Provisioning runs' });
      await runs.getByLabel('Nodes to add').fill('1');
      await runs.getByLabel('Reason').fill('evening peak');
      await runs.getByRole('button', { name: 'Scale out' }).click();
      const started = runs.getByRole('status').filter({ hasText: /^Run \S+ started\.$/ });
      const runId = /^Run (\S+) started/.exec((await started.textContent()) ?? '')![1]!;
      const item = runs.getByRole('listitem').filter({ hasText: runId });
      await item.getByText('succeeded', { exact: true }).waitFor(LIVE);
      expect(await item.textContent()).toContain('evening peak');
      const [added] = (await provisioner.finished(runId)).registered;
      await card(added!).waitFor(LIVE);
      await card(added!).getByText('health: online').waitFor(LIVE);
      await screenshot(page, 'ops-6-scaled-out');

      provisioner.dir.scenario('hang');
      await runs.getByLabel('Reason').fill('still more');
      await runs.getByRole('button', { name: 'Scale out' }).click();
      await runs
        .getByRole('status')
        .filter({ hasText: /^Run \S+ started\.$/ })
        .filter({ hasNotText: runId })
        .waitFor();
      await runs.getByLabel('Reason').fill('and more');
      await runs.getByRole('button', { name: 'Scale out' }).click();
      await runs
        .getByRole('alert')
        .filter({ hasText: /^Busy: run \S+ is in progress\. Wait for it to finish/ })
        .waitFor();
      await screenshot(page, 'ops-7-busy');
    },
    SLOW,
  );

  it(
    'lists tenants with their usage against their quotas, and opens a tenant’s details from the keyboard',
    async () => {
      const added = JSON.parse(
        await ensemble(
          'tenants',
          'add',
          'uni-a',
          '--display-name',
          'University A',
          '--max-meetings',
          '5',
          '--recordings-protected',
          'false',
          '--json',
        ),
      ) as {
        secret: { id: string; secret: string };
      };
      const tenants = page.getByRole('region', { name: 'Tenants' });
      await tenants.getByRole('button', { name: 'Refresh' }).focus();
      await page.keyboard.press('Enter');
      const row = tenants.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /^uni-a/ }) });
      await row.waitFor();
      // Meetings and participants as the stack's scheduler counts them (none running).
      expect((await row.getByRole('cell').allTextContents()).slice(0, 4)).toEqual(['0 / 5', '0', '0', '0 B']);
      // Recordings protected: its own choice; the default tenant follows RECORDINGS_PROTECTED (off here).
      expect((await row.getByRole('cell').allTextContents())[7]).toBe('No');
      const defaultRow = tenants.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /^default/ }) });
      expect((await defaultRow.getByRole('cell').allTextContents())[7]).toBe('No (default)');

      const details = tenants.getByRole('button', { name: 'Details of uni-a' });
      await details.focus();
      await page.keyboard.press('Enter');
      expect(await details.getAttribute('aria-expanded')).toBe('true');
      await tenants.getByRole('heading', { name: 'Secrets of uni-a' }).waitFor();
      await tenants.getByText(added.secret.id).waitFor();
      await screenshot(page, 'ops-8-tenants');
      // The page names the secret by its id only.
      expect(await page.content()).not.toContain(added.secret.secret);
      await page.keyboard.press('Space');
      expect(await tenants.getByRole('button', { name: 'Details of uni-a' }).getAttribute('aria-expanded')).toBe(
        'false',
      );
    },
    SLOW,
  );

  it(
    'fits a phone screen, and signing out forgets the token',
    async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(page, 'ops-9-phone');
      await page.getByRole('button', { name: 'Sign out of ops' }).click();
      await page.getByLabel('Ops token').waitFor();
      expect(await page.evaluate(() => window.sessionStorage.length)).toBe(0);
    },
    SLOW,
  );
});
