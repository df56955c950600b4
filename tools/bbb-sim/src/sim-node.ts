import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { type ChecksumAlgorithm } from '@ensemble/shared';
import { listenTracked } from '@ensemble/testing';
import type { Socket } from 'node:net';
import { type ApiResult, handleApi } from './bbb-api.js';
import { MeetingCallbacks, type MeetingCallbacksOptions, type NodeCallbackCall } from './meeting-callbacks.js';
import { type Meeting, MeetingStore, type SeedMeeting } from './meeting-store.js';
import { type Recording, RecordingStore } from './recording-store.js';
import { type PostPublishRun, RecordingWorkflow, type RecordingWorkflowOptions } from './recording-workflow.js';

export type FaultMode = 'none' | 'down' | 'slow' | 'http-500' | 'bad-xml';
export interface Fault {
  mode: FaultMode;
  /** For 'slow': how long every API answer is held back (default 10000 ms). */
  delayMs?: number;
}
export const FAULT_MODES: readonly FaultMode[] = ['none', 'down', 'slow', 'http-500', 'bad-xml'];

/** One API call the node received (checksum left out), for tests that must show a call never arrived. */
export interface SimCall {
  call: string;
  params: readonly (readonly [string, string])[];
}
/** The newest calls kept (a demo stack runs for days; its pollers call every few seconds). */
const MAX_CALLS = 1000;

export interface SimNodeOptions {
  id: string;
  secret: string;
  /** 0 or absent: a free port picked by the OS. */
  port?: number;
  host?: '127.0.0.1';
  /** BBB release reported by the API root (`bbbVersion`); default '3.0'. */
  version?: string;
  /** Digests accepted in checksums, as BBB's `supportedChecksumAlgorithms`; default all. */
  checksumAlgorithms?: readonly ChecksumAlgorithm[];
  /** BBB's recording workflow: data dir, processing delay, post_publish scripts. */
  recordings?: RecordingWorkflowOptions;
  /** The meeting-ended callbacks' retry waits (default BBB's). */
  callbacks?: MeetingCallbacksOptions;
}

const API_PREFIX = '/bigbluebutton/api';
const MAX_BODY = 1 << 20;
export const DEFAULT_SLOW_MS = 10_000;

/** One simulated BigBlueButton server on its own loopback port. */
export class SimNode {
  readonly id: string;
  readonly secret: string;
  readonly host: '127.0.0.1';
  private readonly checksumAlgorithms: readonly ChecksumAlgorithm[] | undefined;
  private readonly store = new MeetingStore();
  private readonly recordings = new RecordingStore();
  private readonly workflow: RecordingWorkflow;
  private readonly callbacks: MeetingCallbacks;
  private readonly received: SimCall[] = [];
  private bbbVersion: string;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private currentPort: number;
  private currentFault: Fault = { mode: 'none' };
  private running = false;

  constructor(opts: SimNodeOptions) {
    this.id = opts.id;
    this.secret = opts.secret;
    this.checksumAlgorithms = opts.checksumAlgorithms;
    this.host = opts.host ?? '127.0.0.1';
    this.currentPort = opts.port ?? 0;
    this.bbbVersion = fullVersion(opts.version ?? '3.0');
    this.workflow = new RecordingWorkflow(this.recordings, () => this.origin, opts.recordings);
    this.callbacks = new MeetingCallbacks(opts.secret, opts.callbacks);
  }

  /** An upgrade in place: the API root reports `version` from now on. */
  setVersion(version: string): void {
    this.bbbVersion = fullVersion(version);
  }

  get port(): number {
    return this.currentPort;
  }
  get origin(): string {
    return `http://${this.host}:${this.currentPort}`;
  }
  get baseUrl(): string {
    return `${this.origin}/bigbluebutton/`;
  }
  get apiUrl(): string {
    return `${this.origin}/bigbluebutton/api/`;
  }
  get fault(): Fault {
    return { ...this.currentFault };
  }

  async start(): Promise<this> {
    if (this.running) return this;
    this.running = true;
    if (this.currentFault.mode !== 'down') await this.listen();
    return this;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.workflow.stop();
    this.callbacks.stop();
    await this.closeServer();
  }

  /** Switches the failure mode. 'down' closes the port; leaving it re-listens on the same port. */
  async setFault(fault: Fault): Promise<void> {
    if (!FAULT_MODES.includes(fault.mode)) throw new Error(`unknown fault mode: ${fault.mode}`);
    const wasDown = this.currentFault.mode === 'down';
    this.currentFault = { ...fault };
    this.clearTimers();
    if (!this.running) return;
    if (fault.mode === 'down' && !wasDown) await this.closeServer();
    else if (fault.mode !== 'down' && wasDown) await this.listen();
  }

  /** Deep copy of the meetings, attendees included, in creation order. */
  meetings(): readonly Readonly<Meeting>[] {
    return structuredClone(this.store.list());
  }

  /** The API calls received (the newest MAX_CALLS), oldest first. */
  calls(): readonly SimCall[] {
    return structuredClone(this.received);
  }

  seedMeetings(list: readonly SeedMeeting[]): void {
    this.store.seed(list);
  }

  /** Adds n video streams to a meeting (negative n removes); false if there is no such meeting. */
  addVideo(meetingID: string, n: number): boolean {
    return this.store.addVideo(meetingID, n);
  }

  /**
   * A moderator presses "start recording" (on) or "stop" in the client: starting sets the
   * recording marks BBB needs to produce a recording. False when the meeting is unknown, not
   * created with record=true, or not joined yet.
   */
  setRecording(meetingID: string, on: boolean): boolean {
    return this.store.setRecording(meetingID, on);
  }

  /** Every recording the node has, in any state (deep copy). */
  recordingList(): readonly Readonly<Recording>[] {
    return structuredClone(this.recordings.find([], [], ['any']));
  }

  /** Where a recording's presentation format lies on the node's disk (with a data dir). */
  recordingDir(recordID: string, state: 'published' | 'unpublished' | 'deleted' = 'published'): string | undefined {
    return this.workflow.formatDir(recordID, state);
  }

  /** The post_publish script runs that ended, oldest first. */
  postPublishRuns(): readonly PostPublishRun[] {
    return this.workflow.runs();
  }

  /** Resolves once every post_publish run started so far has ended. */
  recordingsSettled(): Promise<void> {
    return this.workflow.settled();
  }

  /** The callback requests the node made when meetings ended (meeting-ended, analytics), oldest first. */
  callbacksMade(): readonly NodeCallbackCall[] {
    return this.callbacks.made();
  }

  /** Resolves once the callback requests under way have ended. */
  callbacksSettled(): Promise<void> {
    return this.callbacks.settled();
  }

  /** Forgets every meeting and session; the fault stays as it is. */
  reset(): void {
    this.store.reset();
    this.recordings.reset();
    this.workflow.reset();
    this.received.length = 0;
  }

  private async listen(): Promise<void> {
    const server = createServer((req, res) => this.onRequest(req, res));
    // As BBB's NGINX (keepalive_timeout 75s): a poller's connection lives from one cycle to the next.
    server.keepAliveTimeout = 75_000;
    this.server = server;
    this.currentPort = await listenTracked(server, this.currentPort, this.host, this.sockets);
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private closeServer(): Promise<void> {
    this.clearTimers();
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    if (path === '/html5client/join') return this.enter(rawQuery, res);
    let call: string | undefined;
    if (path === API_PREFIX || path === `${API_PREFIX}/` || path === '/bigbluebutton/' || path === '/bigbluebutton')
      call = '';
    else if (path.startsWith(`${API_PREFIX}/`)) call = path.slice(API_PREFIX.length + 1);
    if (call === undefined)
      return send(res, { status: 404, headers: { 'content-type': 'text/html' }, body: notFoundHtml });
    if (req.method !== 'GET' && req.method !== 'POST' && req.method !== 'HEAD') {
      return send(res, { status: 405, headers: { allow: 'GET, POST' }, body: '' });
    }
    readBody(req)
      .then((body) => {
        const form = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
        const answer = () => this.respond(res, { call, rawQuery, rawBody: req.method === 'POST' && form ? body : '' });
        if (this.currentFault.mode === 'slow') {
          const t = setTimeout(() => {
            this.timers.delete(t);
            answer();
          }, this.currentFault.delayMs ?? DEFAULT_SLOW_MS);
          t.unref();
          this.timers.add(t);
          res.on('close', () => {
            clearTimeout(t);
            this.timers.delete(t);
          });
        } else answer();
      })
      .catch(() => send(res, { status: 413, headers: { 'content-type': 'text/plain' }, body: 'body too large' }));
  }

  private respond(res: ServerResponse, req: { call: string; rawQuery: string; rawBody: string }): void {
    if (res.destroyed) return;
    const params = [...new URLSearchParams(req.rawQuery), ...new URLSearchParams(req.rawBody)];
    this.received.push({ call: req.call, params: params.filter(([k]) => k !== 'checksum') });
    if (this.received.length > MAX_CALLS) this.received.shift();
    switch (this.currentFault.mode) {
      case 'http-500':
        return send(res, { status: 500, headers: { 'content-type': 'text/html;charset=utf-8' }, body: errorHtml });
      case 'bad-xml':
        return send(res, {
          status: 200,
          headers: { 'content-type': 'text/xml;charset=utf-8' },
          body: '<response>\n<returncode>SUCCESS</returncode>\n<meetings>\n<meeting>\n<meetingName>Trunc',
        });
      default:
        return send(
          res,
          handleApi(req, {
            store: this.store,
            recordings: this.recordings,
            secret: this.secret,
            ...(this.checksumAlgorithms ? { checksumAlgorithms: this.checksumAlgorithms } : {}),
            origin: this.origin,
            bbbVersion: this.bbbVersion,
            onRecordingEnded: (r) => this.workflow.ended(r),
            onMeetingEnded: (m) => this.callbacks.ended(m),
            onRecordingsMoved: (list, from, to) => this.workflow.moved(list, from, to),
          }),
        );
    }
  }

  /** The HTML5 client URL: opening it is what makes a joined user an attendee. */
  private enter(rawQuery: string, res: ServerResponse): void {
    const token = new URLSearchParams(rawQuery).get('sessionToken') ?? '';
    const m = token ? this.store.enter(token) : undefined;
    if (!m)
      return send(res, { status: 404, headers: { 'content-type': 'text/html;charset=utf-8' }, body: notFoundHtml });
    const body = `<!DOCTYPE html><html><head><title>BigBlueButton - ${esc(m.meetingName)}</title></head><body><p>bbb-sim ${esc(this.id)}: joined ${esc(m.meetingName)}</p></body></html>`;
    send(res, { status: 200, headers: { 'content-type': 'text/html;charset=utf-8' }, body });
  }
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const notFoundHtml = '<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>';
const errorHtml =
  '<!DOCTYPE html><html><head><title>Error</title></head><body><h1>HTTP Status 500 – Internal Server Error</h1></body></html>';

function send(res: ServerResponse, r: ApiResult): void {
  if (res.destroyed || res.headersSent) return;
  const body = Buffer.from(r.body, 'utf8');
  res.writeHead(r.status, { ...r.headers, 'content-length': String(body.length) });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const fullVersion = (v: string): string => (v.split('.').length === 2 ? `${v}.0` : v);
