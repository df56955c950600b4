import { Inject, Injectable } from '@nestjs/common';
import { DomainError, contracts, type NodeHealth, type SuspectNode } from '@ensemble/contracts';
import {
  CONFIG,
  LOGGER,
  METRICS,
  NATS_BUS,
  encodeQuery,
  type Logger,
  type Metrics,
  type NatsBus,
} from '@ensemble/shared';
import type { SchedulerConfig } from '../config.js';
import { NodeSigningService } from '../signing/node-signing.service.js';
import { BbbAdminClient } from './bbb-admin.client.js';
import { FleetStore } from './fleet.store.js';

/** The meeting the probe asks about: any answer from BBB, running or not, shows the node serves. */
const PROBE_QUERY = encodeQuery({ meetingID: 'ensemble-probe' });

/**
 * A caller's evidence that a node is dead, weighed before the polls decide
 * (docs/decisions/083): the scheduler probes the node itself with a quick signed
 * call, and only when that fails too is an online node marked `suspect`, so one
 * network blip between a gateway and a node moves nothing. Probes of one node are
 * shared by the reports that arrive while one is in flight.
 */
@Injectable()
export class NodeSuspicionService {
  private readonly probing = new Map<string, Promise<NodeHealth>>();
  private readonly reports;

  constructor(
    private readonly store: FleetStore,
    private readonly signer: NodeSigningService,
    private readonly client: BbbAdminClient,
    @Inject(NATS_BUS) private readonly bus: NatsBus,
    @Inject(CONFIG) private readonly config: SchedulerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) metrics: Metrics,
  ) {
    this.reports = metrics.counter(
      'ensemble_scheduler_suspect_reports_total',
      'Reports of a failed call to a node, by what came of them',
      ['outcome'],
    );
  }

  /** The node's health once the report is weighed: anything but `online` moves its rooms at their next placement. */
  async suspect(req: SuspectNode): Promise<NodeHealth> {
    const node = await this.store.get(req.nodeId);
    if (!node) throw new DomainError('not-found', `no node ${req.nodeId}`);
    if (node.engine !== 'bbb') throw new DomainError('invalid-input', 'only BBB nodes are called by the gateway');
    if (node.health !== 'online') {
      this.reports.inc({ outcome: 'not-online' });
      return node.health;
    }
    let pending = this.probing.get(req.nodeId);
    if (!pending) {
      pending = this.weigh(req).finally(() => this.probing.delete(req.nodeId));
      this.probing.set(req.nodeId, pending);
    }
    return pending;
  }

  private async weigh(req: SuspectNode): Promise<NodeHealth> {
    const creds = await this.store.credentials(req.nodeId);
    if (!creds) throw new DomainError('not-found', `no node ${req.nodeId}`);
    const [url] = this.signer.sign(creds.url, creds.secret, [{ call: 'isMeetingRunning', query: PROBE_QUERY }]);
    const failure = await this.client.probe(url!, this.config.SUSPECT_PROBE_TIMEOUT_MS);
    if (failure === null) {
      this.reports.inc({ outcome: 'probe-answered' });
      this.logger.info('node suspicion not confirmed: it answers the probe', {
        nodeId: req.nodeId,
        by: req.by,
        reason: req.reason,
      });
      return 'online';
    }
    const reason = `${req.by}: ${req.reason}; probe: ${failure}`.slice(0, 200);
    const r = await this.store.suspect(req.nodeId, reason);
    if (!r) throw new DomainError('not-found', `no node ${req.nodeId}`);
    if (r.health !== 'suspect' || r.previous === 'suspect') {
      // Polls decided meanwhile (or another scheduler marked it first): their word stands.
      this.reports.inc({ outcome: 'not-online' });
      return r.health;
    }
    this.reports.inc({ outcome: 'suspected' });
    this.logger.warn('node health changed', { nodeId: req.nodeId, from: r.previous, to: r.health, reason });
    this.bus.publish(contracts.nodeHealth, {
      nodeId: req.nodeId,
      engine: 'bbb',
      health: 'suspect',
      previous: r.previous,
      reason,
      at: Date.now(),
    });
    return r.health;
  }
}
