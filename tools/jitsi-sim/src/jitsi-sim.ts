import type { CpuProfile } from './cpu-model.js';
import { startEach } from '@ensemble/testing';
import { JitsiNode } from './jitsi-node.js';

export interface JitsiSimOptions {
  nodes: number;
  /** Explicit port per node (0 = free). */
  ports?: readonly number[];
  /** Ids are `<idPrefix>-1` .. `<idPrefix>-N`; default 'jitsi'. */
  idPrefix?: string;
  cpu?: Partial<CpuProfile>;
  app?: { appId: string; appSecret: string };
}

/** N simulated Jitsi nodes in one process, each on its own loopback port. */
export class JitsiSim {
  private constructor(readonly nodes: readonly JitsiNode[]) {}

  static async start(opts: JitsiSimOptions): Promise<JitsiSim> {
    if (!Number.isInteger(opts.nodes) || opts.nodes < 1)
      throw new Error(`nodes must be a positive integer, got ${opts.nodes}`);
    const prefix = opts.idPrefix ?? 'jitsi';
    const nodes = Array.from(
      { length: opts.nodes },
      (_, i) =>
        new JitsiNode({
          id: `${prefix}-${i + 1}`,
          port: opts.ports?.[i] ?? 0,
          ...(opts.cpu ? { cpu: opts.cpu } : {}),
          ...(opts.app ? { app: opts.app } : {}),
        }),
    );
    const sim = new JitsiSim(nodes);
    await startEach(nodes, () => sim.stop());
    return sim;
  }

  node(id: string): JitsiNode | undefined {
    return this.nodes.find((n) => n.id === id);
  }

  /** Prometheus targets (`host:port`) of every node. */
  targets(): string[] {
    return this.nodes.map((n) => n.instance);
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }
}
