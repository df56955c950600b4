import { Inject, Injectable } from '@nestjs/common';
import {
  CONFIG,
  DomainError,
  LOGGER,
  NATS_BUS,
  contracts,
  encodeQuery,
  type JoinReply,
  type JoinRole,
  type Location,
  type Logger,
  type NatsBus,
  type RoomLive,
} from '@ensemble/shared';
import type { GatewayConfig } from '../config.js';
import { BbbClient } from './bbb.client.js';
import { createQuery, joinQuery, mayStart, meetingIdOf, type MeetingRoom } from './bbb-params.js';

const WAIT: JoinReply = { status: 'waiting', retryAfterMs: 3000 };

/**
 * A room's live meeting on the fleet. The scheduler places the room and signs the
 * calls (node secrets never come here); this service makes the calls on the node.
 */
@Injectable()
export class MeetingsService {
  private readonly bbb: BbbClient;
  private readonly opts: { timeoutMs: number; retries: number };

  constructor(
    @Inject(NATS_BUS) private readonly bus: NatsBus,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CONFIG) config: GatewayConfig,
  ) {
    this.bbb = new BbbClient(config.BBB_CALL_TIMEOUT_MS);
    // Every call here is idempotent (place is, per roomKey), so a lost request is sent again.
    this.opts = { timeoutMs: config.NATS_REQUEST_TIMEOUT_MS, retries: config.NATS_REQUEST_RETRIES };
  }

  /**
   * A join URL on the room's node. Whoever may start the meeting creates it there
   * first (create is idempotent in BBB; after a move it creates it on the new node);
   * a participant of a room that is not running waits for a moderator.
   */
  async join(room: MeetingRoom, role: JoinRole, fullName: string, logoutURL?: string): Promise<JoinReply> {
    const roomKey = meetingIdOf(room.id);
    const join = { call: 'join', query: joinQuery(room, role, fullName) };
    if (mayStart(role, room.settings)) {
      const p = await this.bus.request(
        contracts.place,
        { roomKey, engine: 'bbb', tags: [], sign: [{ call: 'create', query: createQuery(room, logoutURL) }, join] },
        this.opts,
      );
      await this.bbb.create(p.signed[0]!);
      if (p.outcome !== 'existing') {
        this.logger.info('meeting created', { roomKey, nodeId: p.nodeId, outcome: p.outcome, from: p.previousNodeId });
      }
      return { status: 'ready', url: p.signed[1]! };
    }
    const loc = await this.locate(roomKey, [
      { call: 'isMeetingRunning', query: encodeQuery({ meetingID: roomKey }) },
      join,
    ]);
    if (!loc || !usable(loc) || !(await this.bbb.isMeetingRunning(loc.signed[0]!))) return WAIT;
    return { status: 'ready', url: loc.signed[1]! };
  }

  /** Participants in the room's meeting right now (0 when none runs). */
  async live(roomId: string): Promise<RoomLive> {
    const roomKey = meetingIdOf(roomId);
    const loc = await this.locate(roomKey, [{ call: 'getMeetingInfo', query: encodeQuery({ meetingID: roomKey }) }]);
    if (!loc || !usable(loc)) return { running: false, participants: 0 };
    const n = await this.bbb.participantCount(loc.signed[0]!).catch(() => null);
    return n === null ? { running: false, participants: 0 } : { running: true, participants: n };
  }

  /** Ends the room's meeting on its node (best effort) and releases the room at the scheduler. */
  async end(roomId: string): Promise<void> {
    const roomKey = meetingIdOf(roomId);
    const loc = await this.locate(roomKey, [{ call: 'end', query: encodeQuery({ meetingID: roomKey }) }]);
    if (!loc) return;
    await this.bbb.end(loc.signed[0]!).catch((e: unknown) => {
      this.logger.warn('ending a meeting failed', { roomKey, nodeId: loc.nodeId, error: e });
    });
    await this.bus.request(contracts.end, { roomKey }, this.opts);
  }

  private async locate(roomKey: string, sign: { call: string; query: string }[]): Promise<Location | null> {
    try {
      return await this.bus.request(contracts.locate, { roomKey, sign }, this.opts);
    } catch (e) {
      if (e instanceof DomainError && e.code === 'not-found') return null;
      throw e;
    }
  }
}

/** A room on an offline or disabled node has no meeting anyone can reach. */
const usable = (loc: Location) => loc.health === 'online' && loc.state !== 'disabled';
