import { Inject, Injectable } from '@nestjs/common';
import { DomainError, type CallToSign, type Location, type PlaceRequest, type Placement } from '@ensemble/contracts';
import { LOGGER, METRICS, type Logger, type Metrics } from '@ensemble/shared';
import { FleetEventsPublisher } from '../fleet/fleet-events.publisher.js';
import { NodeSigningService } from '../signing/node-signing.service.js';
import { PlacementStore } from './placement.store.js';
import { tenantRuleOf } from './tenant-rule.js';

@Injectable()
export class PlacementService {
  private readonly placements;
  private readonly duration;

  constructor(
    private readonly store: PlacementStore,
    private readonly signer: NodeSigningService,
    private readonly events: FleetEventsPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) metrics: Metrics,
  ) {
    this.placements = metrics.counter('ensemble_scheduler_placements_total', 'Placement requests answered', [
      'engine',
      'outcome',
    ]);
    this.duration = metrics.histogram('ensemble_scheduler_placement_duration_seconds', 'Time to answer a placement', [
      'engine',
    ]);
  }

  async place(req: PlaceRequest): Promise<Placement> {
    const end = this.duration.startTimer({ engine: req.engine });
    try {
      const { secret, ...placement } = await this.store.place({
        roomKey: req.roomKey,
        engine: req.engine,
        size: req.expectedSize,
        join: req.join,
        stickyOnly: req.stickyOnly,
        tenant: tenantRuleOf(req),
      });
      this.placements.inc({ engine: req.engine, outcome: placement.outcome });
      if (placement.outcome !== 'existing') {
        this.logger.info('room placed', {
          roomKey: req.roomKey,
          nodeId: placement.nodeId,
          outcome: placement.outcome,
          previousNodeId: placement.previousNodeId,
        });
      }
      return { ...placement, signed: this.signer.sign(placement.url, secret, req.sign) };
    } catch (e) {
      const code = (e as { code?: string }).code ?? 'error';
      this.placements.inc({ engine: req.engine, outcome: code });
      if (code === 'quota-meetings' || code === 'quota-participants') {
        this.logger.info('placement refused by a tenant quota', {
          roomKey: req.roomKey,
          tenant: req.tenant?.name,
          code,
        });
      }
      throw e;
    } finally {
      end();
    }
  }

  async locate(roomKey: string, sign: CallToSign[]): Promise<Location> {
    const loc = await this.store.locate(roomKey);
    if (!loc) throw new DomainError('not-found', 'the room is on no node');
    const { secret, ...rest } = loc;
    return { roomKey, ...rest, signed: this.signer.sign(loc.url, secret, sign) };
  }

  async end(roomKey: string): Promise<{ released: boolean; nodeId: string | null }> {
    const { nodeId, disabled } = await this.store.release(roomKey);
    if (nodeId) this.logger.info('room released', { roomKey, nodeId });
    if (nodeId && disabled) await this.events.changed(nodeId, 'updated', 'scheduler', 'cordoned node empty: disabled');
    return { released: nodeId !== null, nodeId };
  }
}
