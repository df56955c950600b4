import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  contracts,
  type CallToSign,
  type Engine,
  type FleetNode,
  type FleetNodeView,
  type LoadSample,
  type PollTarget,
  type RegisterNode,
  type RegisteredNode,
  type UpdateNode,
} from '@ensemble/contracts';
import {
  CONFIG,
  LOGGER,
  METRICS,
  NATS_BUS,
  newRecordingToken,
  recordingTokenSha256,
  redactedUrl,
  type Logger,
  type Metrics,
  type NatsBus,
} from '@ensemble/shared';
import type { SchedulerConfig } from '../config.js';
import { NodeLoadsStore } from '../load/node-loads.store.js';
import { NodeSigningService } from '../signing/node-signing.service.js';
import { FleetEventsPublisher } from './fleet-events.publisher.js';
import { FleetStore, type SampleOutcome } from './fleet.store.js';
import { NodeAdminService } from './node-admin.service.js';
import { nodeIdFromUrl } from './node-id.js';
import { fleetNodeOf, NodesRepository, type NodeRecord, type TokenHolder } from './nodes.repository.js';

/** Node registry and health: applies samples, decides online/offline, tells the world. */
@Injectable()
export class FleetService {
  private readonly samples;
  private readonly transitions;
  private readonly endedRooms;
  private readonly relearnedRooms;
  private readonly duplicateMeetings;
  /** When this instance last asked each node for its version. */
  private readonly versionReadAt = new Map<string, number>();

  constructor(
    private readonly store: FleetStore,
    private readonly nodes: NodesRepository,
    private readonly loads: NodeLoadsStore,
    private readonly signer: NodeSigningService,
    private readonly events: FleetEventsPublisher,
    private readonly admin: NodeAdminService,
    @Inject(NATS_BUS) private readonly bus: NatsBus,
    @Inject(CONFIG) private readonly config: SchedulerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) metrics: Metrics,
  ) {
    this.samples = metrics.counter('ensemble_scheduler_samples_total', 'Load samples received, by outcome', [
      'outcome',
    ]);
    this.transitions = metrics.counter('ensemble_scheduler_health_transitions_total', 'Node health transitions', [
      'health',
    ]);
    this.endedRooms = metrics.counter(
      'ensemble_scheduler_rooms_ended_total',
      'Rooms released because their meeting was gone from their node',
    );
    this.relearnedRooms = metrics.counter(
      'ensemble_scheduler_rooms_relearned_total',
      'Rooms put back on the node that listed their meeting, after a Redis loss (decision 091)',
    );
    this.duplicateMeetings = metrics.counter(
      'ensemble_scheduler_meetings_on_two_nodes_total',
      'Meetings found running on a second node while rooms were re-learned; the room stayed on the first',
    );
  }

  /**
   * PostgreSQL first (the record), then its mirror in Redis (what placement reads). A BBB
   * node registered without a recording token gets one, answered this once (decision 102).
   */
  async register(req: RegisterNode, by: string): Promise<RegisteredNode> {
    const id = req.id ?? nodeIdFromUrl(req.url);
    const now = Date.now();
    const issued = req.engine === 'bbb' && !req.recordingToken ? newRecordingToken() : undefined;
    const token = req.recordingToken ?? issued;
    const r = await this.nodes.register(
      {
        id,
        engine: req.engine,
        url: req.url,
        secret: req.secret ?? '',
        tags: req.tags,
        loadMultiplier: req.loadMultiplier,
        state: req.state,
        enableWhenHealthy: req.enableWhenHealthy,
        prometheusInstance: req.prometheusInstance ?? null,
        createdAt: now,
      },
      token ? recordingTokenSha256(token) : null,
    );
    if (r.outcome === 'conflict') throw new DomainError('conflict', `node id ${id} is taken by another node`);
    await this.mirror(r.node);
    const node = await this.store.get(id);
    if (!node) throw new DomainError('unavailable', 'node vanished during registration');
    if (r.outcome === 'added') {
      this.logger.info('node registered', { nodeId: id, engine: node.engine, url: redactedUrl(node.url), by });
      this.bus.publish(contracts.fleetNode, { change: 'added', node, by, at: now });
      // The issued token, once: a retry finds the node there and cannot show it again.
      if (issued) return { ...node, recordingToken: issued };
    }
    return node;
  }

  /**
   * The node holding this upload token (by its SHA-256), or null. A removed node's token is
   * its own RECORDING_TOKEN_GRACE_S more, with the time it ends (decision 107).
   */
  resolveRecordingToken(tokenSha256: string): Promise<TokenHolder | null> {
    return this.nodes.byRecordingToken(tokenSha256);
  }

  async update(u: UpdateNode): Promise<FleetNode> {
    const record = await this.nodes.update(u);
    if (!record) throw new DomainError('not-found', `no node ${u.id}`);
    // A mirror that lost the node gets it back whole, the change included.
    if (!(await this.store.update(u))) await this.mirror(record);
    const node = await this.store.get(u.id);
    if (!node) throw new DomainError('not-found', `no node ${u.id}`);
    const { id, by, ...changes } = u;
    this.logger.info('node updated', { nodeId: id, by, ...changes });
    this.bus.publish(contracts.fleetNode, { change: 'updated', node, by, at: Date.now() });
    return node;
  }

  async remove(id: string, by: string): Promise<{ removed: boolean }> {
    const mirrored = await this.store.get(id);
    const record = await this.nodes.remove(id, this.config.RECORDING_TOKEN_GRACE_S);
    const unmirrored = await this.store.remove(id);
    const node = mirrored ?? (record ? { ...fleetNodeOf(record), health: 'unknown' as const } : null);
    if (!node || !(record || unmirrored)) return { removed: false };
    this.logger.info('node removed', { nodeId: id, by });
    this.bus.publish(contracts.fleetNode, { change: 'removed', node, by, at: Date.now() });
    return { removed: true };
  }

  /**
   * Records a state the scheduler itself decided in Redis (enabled on going healthy,
   * disabled once a cordoned node is empty), so a rebuilt mirror keeps it. A failure only
   * logs: the mirror stays right, and the rule decides the same again after a rebuild.
   */
  private async recordState(nodeId: string, state: 'enabled' | 'disabled'): Promise<void> {
    await this.nodes.update({ id: nodeId, state }).catch((e: unknown) => {
      this.logger.warn('node state not recorded', { nodeId, state, error: (e as Error).message });
    });
  }

  private async mirror(record: NodeRecord): Promise<void> {
    if ((await this.store.mirror(record)) === 'conflict') {
      // Redis holds another node under this id (a mirror older than the inventory): the record wins.
      await this.store.remove(record.id);
      await this.store.mirror(record);
    }
  }

  /** Every node with its load as the ranking sees it (the same Lua definition, lua/lib/load.lua). */
  async list(engine?: Engine): Promise<FleetNodeView[]> {
    const [nodes, loads] = await Promise.all([this.store.list(engine), this.loads.all(engine)]);
    return nodes.map((n) => ({ ...n, ...(loads.get(n.id) ?? { load: 0, pendingLoad: 0 }) }));
  }

  async sign(nodeId: string, calls: CallToSign[]): Promise<string[]> {
    const creds = await this.store.credentials(nodeId);
    if (!creds) throw new DomainError('not-found', `no node ${nodeId}`);
    return this.signer.sign(creds.url, creds.secret, calls);
  }

  /** Poll targets with a pre-signed getMeetings URL: the secret itself stays here. */
  async pollTargets(): Promise<PollTarget[]> {
    return (await this.store.bbbPollNodes()).map(({ secret, ...n }) => ({
      ...n,
      engine: 'bbb' as const,
      pollUrl: this.signer.pollUrl(n.url, secret),
    }));
  }

  async applySample(sample: LoadSample): Promise<void> {
    const outcome = await this.store.applySample(sample);
    this.samples.inc({ outcome: outcome.kind });
    if (outcome.kind !== 'transition' && outcome.kind !== 'applied') return;
    if (outcome.kind === 'applied' && outcome.health === 'online') this.readVersionIfDue(sample.nodeId);
    this.relearned(sample.nodeId, outcome);
    if (outcome.released > 0) {
      this.endedRooms.inc(outcome.released);
      this.logger.info('ended rooms released', { nodeId: sample.nodeId, rooms: outcome.released });
    }
    if (outcome.disabled) {
      await this.recordState(sample.nodeId, 'disabled');
      await this.events.changed(sample.nodeId, 'updated', 'scheduler', 'cordoned node empty: disabled');
    }
    if (outcome.kind !== 'transition') return;
    const reason = sample.reachable ? 'polls succeed again' : `poll failed: ${sample.error ?? 'unreachable'}`;
    this.transitions.inc({ health: outcome.health });
    this.logger.info('node health changed', {
      nodeId: sample.nodeId,
      from: outcome.previous,
      to: outcome.health,
      reason,
    });
    this.bus.publish(contracts.nodeHealth, {
      nodeId: sample.nodeId,
      engine: sample.engine,
      health: outcome.health,
      previous: outcome.previous,
      reason,
      at: Date.now(),
    });
    if (outcome.enabled) {
      await this.recordState(sample.nodeId, 'enabled');
      await this.events.changed(sample.nodeId, 'updated', 'scheduler', 'node enabled on first healthy polls');
    }
    // A node coming (back) online may have been upgraded: read its version again.
    if (outcome.health === 'online') this.readVersion(sample.nodeId);
  }

  /** Tells what a sample re-learned after a Redis loss (decision 091). */
  private relearned(nodeId: string, outcome: Extract<SampleOutcome, { adopted: number }>): void {
    if (outcome.adopted > 0) {
      this.relearnedRooms.inc(outcome.adopted);
      this.logger.info('rooms re-learned from a poll', { nodeId, rooms: outcome.adopted });
    }
    for (const d of outcome.duplicates) {
      this.duplicateMeetings.inc();
      this.logger.warn('meeting running on two nodes: the room stays where it was re-learned first', {
        roomKey: d.roomKey,
        nodeId: d.keptOn,
        otherNodeId: nodeId,
      });
    }
    if (outcome.relearned) this.logger.info('rooms re-learned: every node listed its meetings', { nodeId });
  }

  /** An online node is asked again every NODE_VERSION_REFRESH_S: an upgrade in place shows. */
  private readVersionIfDue(nodeId: string): void {
    const every = this.config.NODE_VERSION_REFRESH_S * 1000;
    if (every > 0 && Date.now() - (this.versionReadAt.get(nodeId) ?? 0) >= every) this.readVersion(nodeId);
  }

  /** Not awaited: a slow node must not hold up the samples of the others. */
  private readVersion(nodeId: string): void {
    this.versionReadAt.set(nodeId, Date.now());
    void this.admin.refreshVersion(nodeId).catch(() => undefined);
  }
}
