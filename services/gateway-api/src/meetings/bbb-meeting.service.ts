import { Inject, Injectable } from '@nestjs/common';
import { type CallToSign, type Location, type Placement } from '@ensemble/contracts';
import { LOGGER, type Logger } from '@ensemble/shared';
import { BbbNodeClient, type ReadReply } from './bbb-node.client.js';
import { NodeCallError } from './node-call.error.js';
import { SchedulerClient, type PlacementHints } from './scheduler.client.js';

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
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly scheduler: SchedulerClient,
    private readonly nodes: BbbNodeClient,
  ) {}

  /** Where the meeting is, with `sign` signed for its node; undefined when it is on no node. */
  locate(roomKey: string, sign: CallToSign[] = []): Promise<Location | undefined> {
    return this.scheduler.locate(roomKey, sign);
  }

  /**
   * Places the meeting (where it is while its node serves, else the best node) and
   * creates it there; with `joinQuery` the join is signed in the same request and
   * counted as a join. A placement made for this create is released when the node
   * fails or refuses it, so the room does not stay pinned to a node without it.
   * Throws `NodeCallError` when the node gives no readable answer.
   */
  async create(
    roomKey: string,
    create: CreateCall,
    opts: { hints?: PlacementHints; joinQuery?: string } = {},
  ): Promise<Created> {
    const sign: CallToSign[] = [{ call: 'create', query: create.query }];
    if (opts.joinQuery !== undefined) sign.push({ call: 'join', query: opts.joinQuery });
    const placement = await this.scheduler.place(roomKey, {
      ...(opts.hints ? { hints: opts.hints } : {}),
      join: opts.joinQuery !== undefined,
      sign,
    });
    const created = await this.createOn(placement, placement.signed[0]!, create);
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
   * The one join path: a participant joins a meeting found by `locate` (a join
   * never creates a room). The scheduler counts the join into the room's pending
   * load and signs `sign` on its node. Outcome `existing`: the meeting is where it
   * was. Otherwise its node could not serve it any more (or the room was released
   * meanwhile) and the scheduler placed it anew: the caller re-creates it there
   * (`recreate`) or releases it.
   */
  join(at: Location, sign: CallToSign[], hints?: PlacementHints): Promise<Placement> {
    return this.scheduler.place(at.roomKey, { ...(hints ? { hints } : {}), join: true, sign });
  }

  /** Creates the meeting on the node a join placement chose; releases the room when that fails. */
  async recreate(placement: Placement, signedCreate: string, create: CreateCall): Promise<ReadReply> {
    const created = await this.createOn(placement, signedCreate, create, true);
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

  /** A create on a node; a fresh placement is released when the create fails or is refused. */
  private async createOn(placement: Placement, url: string, create: CreateCall, required = false): Promise<ReadReply> {
    const fresh = placement.outcome !== 'existing';
    try {
      const created = await this.nodes.read(url, {
        call: 'create',
        ...(create.body !== undefined
          ? { body: create.body, contentType: create.contentType ?? 'application/xml' }
          : {}),
      });
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
      throw e;
    }
  }
}
