/**
 * Which BBB nodes answered this gateway lately, so that a join the gateway only
 * redirects (it never calls the node) is checked at most once per node every
 * `freshMs`, not once per join. One check per node at a time: joins arriving while
 * it runs share its outcome. Plain class: the clock is injected for tests.
 */
export class NodeLiveness {
  private readonly answeredAt = new Map<string, number>();
  private readonly checks = new Map<string, Promise<boolean>>();

  constructor(
    private readonly freshMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The node gave a readable answer just now. */
  answered(nodeId: string): void {
    this.answeredAt.set(nodeId, this.now());
  }

  /** The node failed a call: the next join checks it again. */
  failed(nodeId: string): void {
    this.answeredAt.delete(nodeId);
  }

  fresh(nodeId: string): boolean {
    const at = this.answeredAt.get(nodeId);
    return at !== undefined && this.now() - at < this.freshMs;
  }

  /** True when the node answered within `freshMs`; else `verify`'s answer, shared by concurrent callers. */
  check(nodeId: string, verify: () => Promise<boolean>): Promise<boolean> {
    if (this.fresh(nodeId)) return Promise.resolve(true);
    let running = this.checks.get(nodeId);
    if (!running) {
      running = verify().finally(() => this.checks.delete(nodeId));
      this.checks.set(nodeId, running);
    }
    return running;
  }
}
