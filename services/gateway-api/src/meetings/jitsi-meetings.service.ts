import { Inject, Injectable } from '@nestjs/common';
import {
  CONFIG,
  DomainError,
  LOGGER,
  NATS_BUS,
  contracts,
  jitsiJoinUrl,
  type JoinReply,
  type JoinRole,
  type Logger,
  type NatsBus,
} from '@ensemble/shared';
import type { GatewayConfig } from '../config.js';
import { meetingIdOf, type MeetingRoom } from './bbb-params.js';

/**
 * A Jitsi room's call: the scheduler places the room (sticky, by free CPU) and the
 * join URL carries an HS256 token signed with the node group's app secret, which
 * never leaves this process. Moderator links get `moderator: true`.
 */
@Injectable()
export class JitsiMeetingsService {
  private readonly opts: { timeoutMs: number };

  constructor(
    @Inject(NATS_BUS) private readonly bus: NatsBus,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CONFIG) private readonly config: GatewayConfig,
  ) {
    this.opts = { timeoutMs: config.NATS_REQUEST_TIMEOUT_MS };
  }

  get enabled(): boolean {
    return Boolean(this.config.JITSI_APP_ID && this.config.JITSI_APP_SECRET);
  }

  async join(room: MeetingRoom & { name: string }, role: JoinRole, displayName: string): Promise<JoinReply> {
    const { JITSI_APP_ID: appId, JITSI_APP_SECRET: appSecret } = this.config;
    if (!appId || !appSecret) throw new DomainError('unavailable', 'Jitsi is not configured on this service');
    const roomKey = meetingIdOf(room.id);
    const p = await this.bus.request(contracts.place, { roomKey, engine: 'jitsi', join: true }, this.opts);
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
    await this.bus.request(contracts.end, { roomKey: meetingIdOf(roomId) }, this.opts);
  }
}
