import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Dispatcher } from 'undici';

export interface TestProvider {
  issuer: string;
  stop(): Promise<void>;
}

export interface ProviderOptions {
  clients: { client_id: string; client_secret: string; redirect_uris: string[] }[];
  users: Record<string, Record<string, unknown>>;
  clockOffsetS?: number;
  publishOtherKey?: boolean;
}

/** A real OpenID Provider (oidc-provider) in a child process on a free loopback port. */
export async function startProvider(opts: ProviderOptions): Promise<TestProvider> {
  const child: ChildProcess = spawn(process.execPath, [join(import.meta.dirname, 'oidc-provider.child.mjs')], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      PORT: '0',
      CLIENTS: JSON.stringify(opts.clients),
      USERS: JSON.stringify(opts.users),
      CLOCK_OFFSET_S: String(opts.clockOffsetS ?? 0),
      PUBLISH_OTHER_KEY: opts.publishOtherKey ? '1' : '0',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const issuer = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`provider exited (${code}): ${out}`)));
  });
  return {
    issuer,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Cookies per host, as a browser keeps them (enough for the provider's and the gateway's). */
export class Browserish {
  private readonly jar = new Map<string, Map<string, string>>();

  constructor(private readonly dispatcher?: Dispatcher) {}

  cookieOf(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }

  async go(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const u = new URL(url);
    const cookies = [...(this.jar.get(u.host) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      redirect: 'manual',
      ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
      headers: {
        ...(cookies ? { cookie: cookies } : {}),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded', origin: u.origin } : {}),
      },
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
    } as RequestInit);
    for (const set of res.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const eq = pair!.indexOf('=');
      const jar = this.jar.get(u.host) ?? new Map<string, string>();
      const value = pair!.slice(eq + 1);
      if (value === '' || /max-age=0/i.test(set)) jar.delete(pair!.slice(0, eq));
      else jar.set(pair!.slice(0, eq), value);
      this.jar.set(u.host, jar);
    }
    return res;
  }

  /** Follows redirects until one leads to `stopAt` (not followed) or a page answers. */
  async follow(url: string, stopAt: string): Promise<string> {
    let next = url;
    for (let i = 0; i < 10; i++) {
      if (next.startsWith(stopAt)) return next;
      const res = await this.go(next);
      await res.arrayBuffer();
      const location = res.headers.get('location');
      if (!location) return next;
      next = new URL(location, next).href;
    }
    throw new Error('too many redirects');
  }

  /**
   * Through the provider's login page (devInteractions) as `login`, up to the redirect back
   * to the gateway's callback: its URL (not followed).
   */
  async signInAtProvider(authorizationUrl: string, login: string, callbackPrefix: string): Promise<string> {
    const page = await this.follow(authorizationUrl, callbackPrefix);
    const html = await (await this.go(page)).text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no login form at ${page}`);
    const res = await this.go(new URL(action.replace(/&amp;/g, '&'), page).href, {
      form: { prompt: 'login', login, password: 'anything' },
    });
    return this.follow(new URL(res.headers.get('location')!, page).href, callbackPrefix);
  }
}
