import { Inject, Injectable } from '@nestjs/common';
import { DomainError, type CallToSign, type Location, type Placement, type PlacementTenant } from '@ensemble/contracts';
import { CONFIG, LOGGER, type Logger } from '@ensemble/shared';
import type { GatewayConfig } from '../config.js';
import { BbbNodeClient, type ReadReply } from './bbb-node.client.js';
import { NodeCallError } from './node-call.error.js';
import { NodeLiveness } from './node-liveness.js';
import { SchedulerClient, type PlacementHints } from './scheduler.client.js';

/** A node that answered this gateway within this long is not probed before a join is redirected to it. */
const ANSWERED_WITHIN_MS = 2000;
/** Deadline of that probe (or BBB_NODE_TIMEOUT_MS when shorter): joins wait on it. */
const PROBE_TIMEOUT_MS = 2000;

/** A create call as sent to the node: its query (no checksum) and an optional pre-upload body. */
export interface CreateCall {
  query: string;
  body?: string;
  contentType?: string;
}

export interface Created {
  placement: Placement;
  /** The node's create answer (SUCCESS, duplicateWarning included, or a FAILED of its own). */
  created: ReadReply;
  /** The signed join, when one was asked for with the create. */
  joinUrl: string | undefined;
}

export type Ended =
  /** The room is on no node. */
  | { kind: 'not-placed' }
  /** Ended (or already gone, or its node unreachable: it died with it); the room is released. */
  | { kind: 'ended'; reply: ReadReply | undefined }
  /** The node refused (e.g. a wrong password) or answered garbage: nothing is known to have ended. */
  | { kind: 'refused'; reply: ReadReply | undefined; location: Location };

/**
 * One BBB meeting, whoever asks (a web room is the meeting `web-<roomId>`, a BBB
 * API meeting `bbb:<meetingID>`): placed and signed by the scheduler, called on its
 * node through the one node client. Both entry points create, join, locate and end
 * through here, so every join counts at the scheduler and every node answer is
 * read by the same schema.
 */
@Injectable()
export class BbbMeetingService {
  private readonly liveness = new NodeLiveness(ANSWERED_WITHIN_MS);
  private readonly probeTimeoutMs: number;

  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CONFIG) config: GatewayConfig,
    private readonly scheduler: SchedulerClient,
    private readonly nodes: BbbNodeClient,
  ) {
    this.probeTimeoutMs = Math.min(PROBE_TIMEOUT_MS, config.BBB_NODE_TIMEOUT_MS);
  }

  /** Where the meeting is, with `sign` signed for its node; undefined when it is on no node. */
  locate(roomKey: string, sign: CallToSign[] = []): Promise<Location | undefined> {
    return this.scheduler.locate(roomKey, sign);
  }

  /**
   * Places the meeting (where it is while its node serves, else the best node) and
   * creates it there; with `joinQuery` the join is signed in the same request and
   * counted as a join. A placement made for this create is released when the node
   * fails or refuses it, so the room does not stay pinned to a node without it.
   * A node that gives no usable answer is reported (`suspect`); once the scheduler
   * takes it out of service the meeting is placed and created once more, on another
   * node (decision 083). Throws `NodeCallError` when no node gives a readable answer
   * (also when no other node could take the meeting). With `tenant`, the scheduler applies its
   * placement rules and quotas (a new meeting beyond its quota: `quota-meetings`, decision 112).
   */
  async create(
    roomKey: string,
    create: CreateCall,
    opts: { hints?: PlacementHints; joinQuery?: string; tenant?: PlacementTenant } = {},
  ): Promise<Created> {
    const sign: CallToSign[] = [{ call: 'create', query: create.query }];
    if (opts.joinQuery !== undefined) sign.push({ call: 'join', query: opts.joinQuery });
    const place = () =>
      this.scheduler.place(roomKey, {
        ...(opts.hints ? { hints: opts.hints } : {}),
        ...(opts.tenant ? { tenant: opts.tenant } : {}),
        join: opts.joinQuery !== undefined,
        sign,
      });
    let placement = await place();
    let created: ReadReply;
    try {
      created = await this.createOn(placement, placement.signed[0]!, create);
    } catch (e) {
      if (!(await this.suspect(placement.nodeId, e))) throw e;
      placement = await place().catch((err: unknown) => {
        throw isNoCapacity(err) ? e : err;
      });
      created = await this.createOn(placement, placement.signed[0]!, create, false, true);
    }
    if (placement.outcome !== 'existing') {
      this.logger.info('meeting placed', {
        roomKey,
        nodeId: placement.nodeId,
        outcome: placement.outcome,
        previousNodeId: placement.previousNodeId,
      });
    }
    return { placement, created, joinUrl: opts.joinQuery !== undefined ? placement.signed[1] : undefined };
  }

  /**
   * The one join path: a participant joins a meeting found by `locate`, or one its
   * caller may re-create (a join never creates a room from nothing). The scheduler
   * counts the join into the room's pending load and signs `sign` on its node.
   * Outcome `existing`: the meeting is where it was. Otherwise its node could not
   * serve it any more (or the room was released meanwhile) and the scheduler placed
   * it anew: the caller re-creates it there (`recreate`) or releases it. With `tenant`, a join
   * beyond its participant quota is refused (`quota-participants`, decision 112).
   */
  join(roomKey: string, sign: CallToSign[], hints?: PlacementHints, tenant?: PlacementTenant): Promise<Placement> {
    return this.scheduler.place(roomKey, {
      ...(hints ? { hints } : {}),
      ...(tenant ? { tenant } : {}),
      join: true,
      sign,
    });
  }

  /**
   * A join's common case in one round trip: the meeting's node while it serves the
   * room, the join counted and `sign` signed there; undefined (nothing changed) when
   * the room is on no serving node, so the caller takes the full path (`join`). With `tenant`,
   * as `join`.
   */
  async joinWhereItIs(roomKey: string, sign: CallToSign[], tenant?: PlacementTenant): Promise<Placement | undefined> {
    try {
      return await this.scheduler.place(roomKey, { ...(tenant ? { tenant } : {}), join: true, stickyOnly: true, sign });
    } catch (e) {
      if (e instanceof DomainError && e.code === 'not-found') return undefined;
      throw e;
    }
  }

  /**
   * Before a join is redirected to a node the gateway does not call itself: whether
   * the node serves. Undefined when it answered within the last 2 s, answers a probe
   * (`probeUrl`, a signed read-only call on it) now, or fails it while the scheduler
   * still finds it well (a blip). Else the probe's error: the node was reported and
   * is out of service, so the room moves at its next placement (decision 083).
   */
  async serves(nodeId: string, probeUrl: string): Promise<NodeCallError | undefined> {
    let failure: NodeCallError | undefined;
    const ok = await this.liveness.check(nodeId, async () => {
      try {
        await this.nodes.read(probeUrl, { call: 'isMeetingRunning', timeoutMs: this.probeTimeoutMs });
        this.liveness.answered(nodeId);
        return true;
      } catch (e) {
        if (e instanceof NodeCallError) failure = e;
        return !(await this.suspect(nodeId, e));
      }
    });
    return ok
      ? undefined
      : (failure ?? new NodeCallError('isMeetingRunning', 'unreachable', 'reported by another join'));
  }

  /**
   * Evidence that a node is dead: a call gave no usable answer (refused, timed out,
   * unreadable or over the cap; never a FAILED answer, which is the caller's
   * business). Reported to the scheduler, which probes the node itself before it
   * marks it `suspect` (decision 083). True when the node is out of service now:
   * its rooms move at their next placement.
   */
  async suspect(nodeId: string, e: unknown): Promise<boolean> {
    if (!(e instanceof NodeCallError) || e.reason === 'refused') return false;
    this.liveness.failed(nodeId);
    try {
      const health = await this.scheduler.suspect(nodeId, `${e.call}: ${e.reason}`);
      this.logger.warn('bbb node reported', { nodeId, call: e.call, reason: e.reason, health });
      return health !== 'online';
    } catch (err) {
      this.logger.warn('reporting a bbb node failed', { nodeId, error: (err as Error).message });
      return false;
    }
  }

  /**
   * Whether a meeting released from its node (panic, or the node gone) was lost with
   * it rather than ended there: true when the node it was created on is unknown,
   * disabled or not online. A meeting that ended on a node still serving stays ended.
   */
  async lostWithNode(nodeId: string): Promise<boolean> {
    const node = (await this.scheduler.bbbNodes()).find((n) => n.id === nodeId);
    return !node || node.state === 'disabled' || node.health !== 'online';
  }

  /**
   * Creates the meeting on the node a join placement chose; releases the room when
   * that fails (and reports a node that gave no usable answer).
   */
  async recreate(placement: Placement, signedCreate: string, create: CreateCall): Promise<ReadReply> {
    const created = await this.createOn(placement, signedCreate, create, true, true);
    this.logger.info('meeting re-created', {
      roomKey: placement.roomKey,
      nodeId: placement.nodeId,
      previousNodeId: placement.previousNodeId,
    });
    return created;
  }

  /**
   * Ends the meeting on its node and releases the room. A node that cannot be
   * reached took its meetings with it: released too. A refusal or an unreadable
   * answer from a live node ends nothing (`refused`): the caller decides.
   */
  async end(roomKey: string, endQuery: string): Promise<Ended> {
    const location = await this.scheduler.locate(roomKey, [{ call: 'end', query: endQuery }]);
    if (!location) return { kind: 'not-placed' };
    let reply: ReadReply | undefined;
    try {
      reply = await this.nodes.read(location.signed[0]!, { call: 'end' });
    } catch (e) {
      if (!(e instanceof NodeCallError) || e.reason === 'unreadable') return { kind: 'refused', reply, location };
      this.logger.warn('bbb node unreachable', { call: 'end', roomKey, nodeId: location.nodeId, reason: e.reason });
    }
    if (reply?.xml.returncode === 'FAILED' && reply.xml.messageKey !== 'notFound') {
      return { kind: 'refused', reply, location };
    }
    await this.scheduler.release(roomKey);
    return { kind: 'ended', reply };
  }

  release(roomKey: string): Promise<void> {
    return this.scheduler.release(roomKey);
  }

  /**
   * A create on a node; a fresh placement is released when the create fails or is
   * refused. With `report`, a node that gives no usable answer is reported too.
   */
  private async createOn(
    placement: Placement,
    url: string,
    create: CreateCall,
    required = false,
    report = false,
  ): Promise<ReadReply> {
    const fresh = placement.outcome !== 'existing';
    try {
      const created = await this.nodes.read(url, {
        call: 'create',
        ...(create.body !== undefined
          ? { body: create.body, contentType: create.contentType ?? 'application/xml' }
          : {}),
      });
      this.liveness.answered(placement.nodeId);
      if (required && created.xml.returncode !== 'SUCCESS') {
        throw new NodeCallError('create', 'refused', created.xml.messageKey || '?');
      }
      if (fresh && created.xml.returncode !== 'SUCCESS') await this.scheduler.release(placement.roomKey);
      return created;
    } catch (e) {
      this.logger.warn('bbb create failed', {
        roomKey: placement.roomKey,
        nodeId: placement.nodeId,
        error: (e as Error).message,
      });
      if (fresh) await this.scheduler.release(placement.roomKey);
      if (report) await this.suspect(placement.nodeId, e);
      throw e;
    }
  }
}

const isNoCapacity = (e: unknown) => e instanceof DomainError && e.code === 'no-capacity';
