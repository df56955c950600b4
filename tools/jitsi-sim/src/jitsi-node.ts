import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { listenTracked } from '@ensemble/testing';
import type { Socket } from 'node:net';
import { CpuCounters, DEFAULT_CPU, type CpuProfile } from './cpu-model.js';
import { checkJitsiJwt } from './jwt-check.js';
import { renderMetrics } from './metrics-text.js';

export interface JitsiNodeOptions {
  id: string;
  /** 0 or absent: a free port picked by the OS. */
  port?: number;
  cpu?: Partial<CpuProfile>;
  /** When set, the join page checks tokens like Jitsi's token authentication. */
  app?: { appId: string; appSecret: string };
}

const ROOM = /^\/([a-z0-9][a-z0-9-]{0,127})$/;

/** One simulated Jitsi node: `/metrics` for Prometheus, `/<room>?jwt=` to join. */
export class JitsiNode {
  readonly id: string;
  readonly host = '127.0.0.1';
  private readonly cpu: CpuCounters;
  private readonly profile: CpuProfile;
  /** conference -> participants */
  private readonly confs = new Map<string, number>();
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private currentPort: number;
  private running = false;
  private isDown = false;
  private readonly app: JitsiNodeOptions['app'];

  constructor(opts: JitsiNodeOptions) {
    this.id = opts.id;
    this.currentPort = opts.port ?? 0;
    this.profile = { ...DEFAULT_CPU, ...opts.cpu };
    this.cpu = new CpuCounters(this.profile);
    this.app = opts.app;
  }

  get port(): number {
    return this.currentPort;
  }
  /** The Prometheus target (`instance` label). */
  get instance(): string {
    return `${this.host}:${this.currentPort}`;
  }
  get baseUrl(): string {
    return `http://${this.instance}/`;
  }
  get metricsUrl(): string {
    return `${this.baseUrl}metrics`;
  }
  get down(): boolean {
    return this.isDown;
  }
  /** The busy share the CPU counters grow at now (0..1). */
  get busy(): number {
    return this.cpu.busy;
  }

  participants(): number {
    let n = 0;
    for (const p of this.confs.values()) n += p;
    return n;
  }

  conferences(): { name: string; participants: number }[] {
    return [...this.confs].map(([name, participants]) => ({ name, participants }));
  }

  /** Adds n participants to a conference (negative n removes; an empty conference ends). */
  addParticipants(conference: string, n: number): void {
    const next = Math.max(0, (this.confs.get(conference) ?? 0) + Math.trunc(n));
    if (next === 0) this.confs.delete(conference);
    else this.confs.set(conference, next);
    this.cpu.setParticipants(this.participants());
  }

  /** Ends every conference. */
  reset(): void {
    this.confs.clear();
    this.cpu.setParticipants(0);
  }

  /** Pins the CPU's busy share regardless of participants (null: follow participants again). */
  setBusy(share: number | null): void {
    if (share === null) this.cpu.setParticipants(this.participants());
    else this.cpu.setBusy(share);
  }

  async start(): Promise<this> {
    if (this.running) return this;
    this.running = true;
    if (!this.isDown) await this.listen();
    return this;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.closeServer();
  }

  /** Down: the port closes (connection refused); up again: it listens on the same port. */
  async setDown(down: boolean): Promise<void> {
    if (down === this.isDown) return;
    this.isDown = down;
    if (!this.running) return;
    if (down) await this.closeServer();
    else await this.listen();
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.baseUrl);
    if (req.method !== 'GET') return void res.writeHead(405).end();
    if (url.pathname === '/metrics') {
      const largest = Math.max(0, ...this.confs.values());
      const body = renderMetrics({
        cpu: this.cpu.snapshot(),
        conferences: this.confs.size,
        participants: this.participants(),
        largestConference: largest,
        stressLevel: Math.round((this.cpu.busy / this.profile.max) * 1000) / 1000,
      });
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      return void res.end(body);
    }
    const room = ROOM.exec(url.pathname)?.[1];
    if (!room) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    let who = { moderator: false, name: '' };
    if (this.app) {
      const check = checkJitsiJwt(url.searchParams.get('jwt') ?? '', room, this.app.appId, this.app.appSecret);
      if (!check.ok) return void res.writeHead(401, { 'content-type': 'text/plain' }).end(`${check.reason}\n`);
      who = check;
    }
    this.addParticipants(room, 1);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><title>${room}</title><p>Joined ${room} on ${this.id}` +
        `${who.moderator ? ' as moderator' : ''}.</p>\n`,
    );
  }

  private async listen(): Promise<void> {
    const server = createServer((req, res) => this.onRequest(req, res));
    this.server = server;
    this.currentPort = await listenTracked(server, this.currentPort, this.host, this.sockets);
  }

  private async closeServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
