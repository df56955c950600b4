import { Inject, Injectable } from '@nestjs/common';
import { DomainError, type JoinReply, type JoinRole } from '@ensemble/contracts';
import { CONFIG, LOGGER, jitsiJoinUrl, type Logger } from '@ensemble/shared';
import type { GatewayConfig } from '../config.js';
import { meetingIdOf, type MeetingRoom } from './room-bbb-params.js';
import { SchedulerClient } from './scheduler.client.js';

/**
 * A Jitsi room's call: the scheduler places the room (sticky, by free CPU) and the
 * join URL carries an HS256 token signed with the node group's app secret, which
 * never leaves this process. Moderator links get `moderator: true`.
 */
@Injectable()
export class JitsiMeetingService {
  constructor(
    private readonly scheduler: SchedulerClient,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CONFIG) private readonly config: GatewayConfig,
  ) {}

  get enabled(): boolean {
    return Boolean(this.config.JITSI_APP_ID && this.config.JITSI_APP_SECRET);
  }

  async join(room: MeetingRoom & { name: string }, role: JoinRole, displayName: string): Promise<JoinReply> {
    const { JITSI_APP_ID: appId, JITSI_APP_SECRET: appSecret } = this.config;
    if (!appId || !appSecret) throw new DomainError('unavailable', 'Jitsi is not configured on this service');
    const roomKey = meetingIdOf(room.id);
    // A Jitsi call exists as soon as someone joins: here a join does place the room.
    const p = await this.scheduler.place(roomKey, { engine: 'jitsi', join: true });
    if (p.outcome !== 'existing')
      this.logger.info('jitsi room placed', { roomKey, nodeId: p.nodeId, outcome: p.outcome });
    const moderator = role === 'moderator';
    const url = jitsiJoinUrl(
      p.url,
      room.name,
      { name: displayName, moderator, affiliation: moderator ? 'owner' : 'member' },
      { appId, appSecret, ttlS: this.config.JITSI_TOKEN_TTL_S, unique: room.id.slice(0, 12) },
    );
    return { status: 'ready', url };
  }

  /** Releases the room at the scheduler (a Jitsi call ends when its last participant leaves). */
  async end(roomId: string): Promise<void> {
    await this.scheduler.release(meetingIdOf(roomId));
  }
}
