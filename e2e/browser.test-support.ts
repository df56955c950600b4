import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = join(import.meta.dirname, '..');
export const ARTIFACTS = join(ROOT, 'e2e', 'artifacts');
const CHROMIUM = '/usr/bin/chromium';

/** Debian's Chromium, installed when missing (root, or sudo); the built app, built when missing. */
export function prepareBrowser(): void {
  if (!existsSync(CHROMIUM)) {
    const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
    const apt = (...args: string[]) =>
      spawnSync(sudo[0] ?? 'apt-get', [...(sudo.length ? ['apt-get'] : []), ...args], {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    apt('update', '-q');
    apt('install', '-y', '-q', '--no-install-recommends', 'chromium');
  }
  if (!existsSync(join(ROOT, 'web', 'dist', 'index.html'))) {
    spawnSync(process.execPath, ['scripts/build.mjs', 'web'], { cwd: ROOT, stdio: 'inherit' });
  }
  mkdirSync(ARTIFACTS, { recursive: true });
}

/** Headless Chromium as the browser tests run it. */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', ...extraArgs],
  });
}

/** A full-page screenshot kept in e2e/artifacts/ (ignored by git). */
export const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
