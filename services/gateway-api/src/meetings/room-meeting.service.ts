import { Inject, Injectable } from '@nestjs/common';
import { isRelearning, type JoinReply, type JoinRole, type RoomLive } from '@ensemble/contracts';
import { LOGGER, encodeQuery, type Logger } from '@ensemble/shared';
import { BbbMeetingService } from './bbb-meeting.service.js';
import { BbbNodeClient } from './bbb-node.client.js';
import { NodeCallError } from './node-call.error.js';
import { createQuery, joinQuery, mayStart, meetingIdOf, type MeetingRoom } from './room-bbb-params.js';
import { usable } from './scheduler.client.js';

const WAIT: JoinReply = { status: 'waiting', retryAfterMs: 3000 };

/**
 * A web room's BBB meeting: the meeting `web-<roomId>` with the room's settings
 * as its parameters (room-bbb-params.ts), created, joined, read and ended through
 * the one meeting path (`BbbMeetingService`), as a BBB API meeting is.
 */
@Injectable()
export class RoomMeetingService {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly meetings: BbbMeetingService,
    private readonly nodes: BbbNodeClient,
  ) {}

  /**
   * A join URL on the room's node. Whoever may start the meeting creates it there
   * first (create is idempotent in BBB; after a move it creates it on the new node;
   * when the node gives no usable answer and the scheduler takes it out of service,
   * on another node at once: decision 083) and joins in the same placement; a
   * participant of a room that is not running (or whose node was just found dead)
   * waits for a moderator. Both count as a join at the scheduler. While the scheduler
   * re-learns where rooms run after a Redis loss, everyone waits too (decision 091): the
   * page asks again by itself.
   */
  async join(room: MeetingRoom, role: JoinRole, fullName: string, logoutURL?: string): Promise<JoinReply> {
    return this.joinNow(room, role, fullName, logoutURL).catch((e: unknown) => {
      if (isRelearning(e)) return WAIT;
      throw e;
    });
  }

  private async joinNow(room: MeetingRoom, role: JoinRole, fullName: string, logoutURL?: string): Promise<JoinReply> {
    const roomKey = meetingIdOf(room.id);
    const join = joinQuery(room, role, fullName);
    if (mayStart(role, room.settings)) {
      const { created, joinUrl } = await this.meetings.create(
        roomKey,
        { query: createQuery(room, logoutURL) },
        { joinQuery: join },
      );
      // The node refused a create we built: a node problem, not the joiner's (503).
      if (created.xml.returncode !== 'SUCCESS') throw new NodeCallError('create', 'refused', created.xml.messageKey);
      return { status: 'ready', url: joinUrl! };
    }
    const loc = await this.meetings.locate(roomKey, [
      { call: 'isMeetingRunning', query: encodeQuery({ meetingID: roomKey }) },
    ]);
    if (!loc || !usable(loc)) return WAIT;
    let running: boolean;
    try {
      const { xml } = await this.nodes.read(loc.signed[0]!, { call: 'isMeetingRunning' });
      running = xml.returncode === 'SUCCESS' && xml.fields['running'] === 'true';
    } catch (e) {
      // Its node is out of service now: the meeting runs nowhere until a moderator re-creates it.
      if (await this.meetings.suspect(loc.nodeId, e)) return WAIT;
      throw e;
    }
    if (!running) return WAIT;
    const p = await this.meetings.join(roomKey, [{ call: 'join', query: join }]);
    // Moved or released since the check: no meeting there until a moderator comes.
    return p.outcome === 'existing' ? { status: 'ready', url: p.signed[0]! } : WAIT;
  }

  /** Participants in the room's meeting right now (0 when none runs). */
  async live(roomId: string): Promise<RoomLive> {
    const roomKey = meetingIdOf(roomId);
    const none = { running: false, participants: 0 };
    const loc = await this.meetings.locate(roomKey, [
      { call: 'getMeetingInfo', query: encodeQuery({ meetingID: roomKey }) },
    ]);
    if (!loc || !usable(loc)) return none;
    const r = await this.nodes.read(loc.signed[0]!, { call: 'getMeetingInfo' }).catch(() => undefined);
    if (r?.xml.returncode !== 'SUCCESS') return none;
    const n = Number(r.xml.fields['participantCount']);
    return { running: true, participants: Number.isFinite(n) ? n : 0 };
  }

  /** Ends the room's meeting on its node (best effort) and releases the room at the scheduler. */
  async end(roomId: string): Promise<void> {
    const roomKey = meetingIdOf(roomId);
    const ended = await this.meetings.end(roomKey, encodeQuery({ meetingID: roomKey }));
    if (ended.kind !== 'refused') return;
    this.logger.warn('ending a meeting failed', {
      roomKey,
      nodeId: ended.location.nodeId,
      messageKey: ended.reply?.xml.messageKey,
    });
    // The room is going away: its placement goes with it even when its node would not end the meeting.
    await this.meetings.release(roomKey);
  }
}
