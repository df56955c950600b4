import { randomBytes } from 'node:crypto';
import { type ChecksumAlgorithm } from '@ensemble/shared';
import { startEach } from '@ensemble/testing';
import { join } from 'node:path';
import type { MeetingCallbacksOptions } from './meeting-callbacks.js';
import type { RecordingWorkflowOptions } from './recording-workflow.js';
import { SimNode } from './sim-node.js';

export interface BbbSimOptions {
  nodes: number;
  /** 0 or absent: free ports picked by the OS; otherwise node i listens on basePort + i. */
  basePort?: number;
  /** Explicit port per node (0 = free); wins over basePort where given. */
  ports?: readonly number[];
  /** One secret per node, or 'random' (default): 32 hex chars each. */
  secrets?: readonly string[] | 'random';
  /** Ids are `<idPrefix>-1` .. `<idPrefix>-N`; default 'bbb'. */
  idPrefix?: string;
  /** BBB release the nodes report; default '3.0'. */
  version?: string;
  /** Digests the nodes accept in checksums (e.g. ['sha1'] for an old BBB); default all. */
  checksumAlgorithms?: readonly ChecksumAlgorithm[];
  /** Recording workflow for every node; `dataDir` is a parent: node `bbb-1` gets `<dataDir>/bbb-1`. */
  recordings?: RecordingWorkflowOptions;
  /** Meeting-ended callbacks for every node (retry waits; default BBB's). */
  callbacks?: MeetingCallbacksOptions;
}

const nodeRecordings = (o: RecordingWorkflowOptions, id: string): RecordingWorkflowOptions =>
  o.dataDir ? { ...o, dataDir: join(o.dataDir, id) } : o;

export const randomSecret = (): string => randomBytes(16).toString('hex');

/** N simulated BBB servers in one process, each on its own loopback port with its own secret. */
export class BbbSim {
  private constructor(readonly nodes: readonly SimNode[]) {}

  static async start(opts: BbbSimOptions): Promise<BbbSim> {
    if (!Number.isInteger(opts.nodes) || opts.nodes < 1)
      throw new Error(`nodes must be a positive integer, got ${opts.nodes}`);
    const secrets = opts.secrets === undefined || opts.secrets === 'random' ? undefined : opts.secrets;
    if (secrets && secrets.length < opts.nodes) throw new Error(`need ${opts.nodes} secrets, got ${secrets.length}`);
    const portOf = (i: number) => opts.ports?.[i] ?? (base === 0 ? 0 : base + i);
    const prefix = opts.idPrefix ?? 'bbb';
    const base = opts.basePort ?? 0;
    const nodes = Array.from(
      { length: opts.nodes },
      (_, i) =>
        new SimNode({
          id: `${prefix}-${i + 1}`,
          secret: secrets?.[i] ?? randomSecret(),
          port: portOf(i),
          ...(opts.version ? { version: opts.version } : {}),
          ...(opts.checksumAlgorithms ? { checksumAlgorithms: opts.checksumAlgorithms } : {}),
          ...(opts.recordings ? { recordings: nodeRecordings(opts.recordings, `${prefix}-${i + 1}`) } : {}),
          ...(opts.callbacks ? { callbacks: opts.callbacks } : {}),
        }),
    );
    const sim = new BbbSim(nodes);
    await startEach(nodes, () => sim.stop());
    return sim;
  }

  node(id: string): SimNode | undefined {
    return this.nodes.find((n) => n.id === id);
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }
}
