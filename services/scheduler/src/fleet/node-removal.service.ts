import { Inject, Injectable } from '@nestjs/common';
import { DomainError, describeHoldings, holdsNothing, type NodeHoldings } from '@ensemble/contracts';
import { LOGGER, type Logger } from '@ensemble/shared';
import { FleetService } from './fleet.service.js';
import { NodeHoldingsService } from './node-holdings.service.js';

/** The text a refused removal answers with: what the node holds, and how to give it up. */
export const stillHoldsMessage = (h: NodeHoldings): string =>
  `node ${h.nodeId} still holds: ${describeHoldings(h)}; wait, or remove with force to lose it`.slice(0, 500);

/**
 * A node leaves the inventory only when removing it loses nothing (decision 105): no meetings,
 * nothing processing, every published recording in storage, as the node and the index say now
 * (its upload token outlives it only RECORDING_TOKEN_GRACE_S, decision 107: what it has not
 * handed over by then stays on it for good).
 * `force` removes it anyway and answers what was given up (the ops API audits it).
 */
@Injectable()
export class NodeRemovalService {
  constructor(
    private readonly fleet: FleetService,
    private readonly holdings: NodeHoldingsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async remove(req: { id: string; by: string; force: boolean }): Promise<{ removed: boolean; lost?: NodeHoldings }> {
    const held = await this.holdings.holdings(req.id).catch((e: unknown) => {
      // Not mirrored (or already gone): nothing can be asked; the inventory decides below.
      if (e instanceof DomainError && e.code === 'not-found') return null;
      if (req.force) return null;
      throw e;
    });
    // A node that cannot be asked is not held back: what it holds is unknown, and waiting on our
    // side saves nothing (a scale-in, which destroys the server, does wait for it).
    const holds = held !== null && held.error === null && !holdsNothing(held);
    if (holds && !req.force) throw new DomainError('conflict', stillHoldsMessage(held));
    const r = await this.fleet.remove(req.id, req.by);
    if (r.removed && holds)
      this.logger.warn('node removed by force', { nodeId: req.id, by: req.by, lost: describeHoldings(held) });
    else if (r.removed && held?.error)
      this.logger.warn('node removed without knowing what it held', { nodeId: req.id, by: req.by, error: held.error });
    return holds ? { removed: r.removed, lost: held } : { removed: r.removed };
  }
}
