import { type ChildProcess, spawn } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireBinary } from '@ensemble/testing';
import { recordingMetadataXml } from './recording-metadata.xml.js';
import { type Recording, type RecordingState, type RecordingStore, SIM_FORMAT } from './recording-store.js';

export interface RecordingWorkflowOptions {
  /**
   * The node's filesystem root: recordings are published under
   * `<dataDir>/var/bigbluebutton/published/presentation/<recordID>/`, as on a BBB server.
   * Without it recordings exist in the API only (no files, no post_publish scripts).
   */
  dataDir?: string;
  /** How long a recording stays `processing` after its meeting ends (default 0: published at once). */
  processingMs?: number;
  /**
   * BBB's post_publish directory (`/usr/local/bigbluebutton/core/scripts/post_publish` on a
   * node): after a format is published, every `*.rb` in it runs, in name order, as
   * `ruby <script> -m <recordID> -f <format>`, as BBB's publish worker runs them.
   */
  postPublishDir?: string;
  /** Extra environment for the post_publish scripts (on a real node they get root's). */
  postPublishEnv?: Record<string, string>;
  /** Bytes of the simulated webcam video (default 64 KiB): big ones exercise big uploads. */
  videoBytes?: number;
}

/** One post_publish script run, as the node's logs would tell it. */
export interface PostPublishRun {
  recordID: string;
  format: string;
  script: string;
  args: readonly string[];
  exitCode: number | null;
  output: string;
}

const MAX_OUTPUT = 16_000;

/**
 * BBB's record-and-playback workflow on a sim node: an ended, recorded meeting is processed
 * (a delay), its presentation format published to disk with BBB's layout and metadata.xml,
 * then the post_publish scripts run with BBB's arguments. Publish/unpublish/delete move the
 * format directory between published/, unpublished/ and deleted/, as BBB does.
 */
export class RecordingWorkflow {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly children = new Set<ChildProcess>();
  private readonly finished: PostPublishRun[] = [];
  private pending = Promise.resolve();

  constructor(
    private readonly store: RecordingStore,
    private readonly origin: () => string,
    private readonly opts: RecordingWorkflowOptions = {},
  ) {}

  /** The directory of a recording's format in a state (`published`, `unpublished`, `deleted`). */
  formatDir(recordID: string, state: RecordingState | 'deleted' = 'published'): string | undefined {
    const root = this.opts.dataDir;
    return root ? join(root, 'var/bigbluebutton', state, SIM_FORMAT, recordID) : undefined;
  }

  /** The post_publish runs that ended, oldest first. */
  runs(): readonly PostPublishRun[] {
    return structuredClone(this.finished);
  }

  ended(r: Recording): void {
    const ms = this.opts.processingMs ?? 0;
    if (ms <= 0) return this.publish(r.recordID, 0);
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.publish(r.recordID, ms);
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  moved(list: readonly Recording[], from: readonly RecordingState[], to: RecordingState | 'deleted'): void {
    for (const r of list) {
      const target = this.formatDir(r.recordID, to);
      const source = from.map((s) => this.formatDir(r.recordID, s)).find((d) => d && existsSync(d));
      if (!target || !source) continue;
      mkdirSync(join(target, '..'), { recursive: true });
      rmSync(target, { recursive: true, force: true });
      renameSync(source, target);
    }
  }

  /** Resolves once every post_publish run started so far has ended. */
  settled(): Promise<void> {
    return this.pending;
  }

  /** Cancels processing not yet done and stops running scripts. */
  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of this.children) c.kill('SIGKILL');
  }

  reset(): void {
    this.stop();
    this.finished.length = 0;
  }

  private publish(recordID: string, processingTime: number): void {
    const r = this.store.get(recordID);
    if (!r || r.state !== 'processing') return;
    const dir = this.formatDir(recordID);
    if (!dir) {
      this.store.published(recordID, { processingTime, size: 0, rawSize: 0 });
      return;
    }
    const files = presentationFiles(r, this.opts.videoBytes ?? 64 * 1024);
    const size = files.reduce((n, [, body]) => n + body.length, 0);
    const done = this.store.published(recordID, { processingTime, size, rawSize: size * 3 })!;
    // Built beside and renamed in: BBB's publish dir only ever shows a whole recording here.
    const building = join(this.opts.dataDir!, 'var/bigbluebutton/recording/publish', SIM_FORMAT, recordID);
    rmSync(building, { recursive: true, force: true });
    for (const [name, body] of [...files, ['metadata.xml', recordingMetadataXml(done, this.origin())] as const]) {
      mkdirSync(join(building, name, '..'), { recursive: true });
      writeFileSync(join(building, name), body);
    }
    mkdirSync(join(dir, '..'), { recursive: true });
    rmSync(dir, { recursive: true, force: true });
    renameSync(building, dir);
    this.pending = this.pending.then(() => this.postPublish(recordID)).catch(() => undefined);
  }

  private async postPublish(recordID: string): Promise<void> {
    const dir = this.opts.postPublishDir;
    if (!dir || !existsSync(dir)) return;
    const scripts = readdirSync(dir)
      .filter((f) => f.endsWith('.rb'))
      .sort();
    for (const script of scripts) {
      const args = ['-m', recordID, '-f', SIM_FORMAT];
      const run = await this.runScript(join(dir, script), args);
      this.finished.push({ recordID, format: SIM_FORMAT, script, args, ...run });
    }
  }

  private runScript(script: string, args: string[]): Promise<{ exitCode: number | null; output: string }> {
    return new Promise((resolve) => {
      const child = spawn(requireBinary('ruby'), [script, ...args], {
        // The node's own published/ (BBB's path under this node's root) unless the test says otherwise.
        env: {
          ...process.env,
          ...(this.opts.dataDir ? { BBB_PUBLISHED_DIR: join(this.opts.dataDir, 'var/bigbluebutton/published') } : {}),
          ...this.opts.postPublishEnv,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      this.children.add(child);
      let output = '';
      const keep = (d: Buffer) => (output = (output + d.toString()).slice(-MAX_OUTPUT));
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.once('error', (e) => {
        this.children.delete(child);
        resolve({ exitCode: null, output: `${output}${e.message}` });
      });
      child.once('close', (code) => {
        this.children.delete(child);
        resolve({ exitCode: code, output });
      });
    });
  }
}

/** What BBB's presentation format publishes (small stand-ins), deterministic per recording. */
function presentationFiles(r: Recording, videoBytes: number): Array<readonly [string, Buffer]> {
  // Incompressible like real video (an AES-CTR keystream), yet the same bytes for the same recording.
  const key = createHash('sha256').update(r.recordID).digest().subarray(0, 16);
  const video = createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(videoBytes));
  const xml = (root: string) => Buffer.from(`<?xml version="1.0"?>\n<recording id="${root}"/>\n`);
  return [
    ['video/webcams.webm', video],
    ['shapes.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1200"/>\n')],
    ['panzooms.xml', xml('panzoom_events')],
    ['cursor.xml', xml('cursor_events')],
    ['deskshare.xml', xml('deskshare_events')],
    ['slides_new.xml', xml('slides_events')],
    ['captions.json', Buffer.from('[]\n')],
    ['presentation_text.json', Buffer.from('{}\n')],
  ];
}
