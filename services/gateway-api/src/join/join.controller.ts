import { Body, Controller, Get, Inject, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { DomainError, joinBodySchema, type JoinInfo } from '@ensemble/contracts';
import { CONFIG, REDIS } from '@ensemble/shared';
import type { Redis } from 'ioredis';
import { AccountsService } from '../accounts/accounts.service.js';
import { RateLimitStore } from '../accounts/rate-limit.store.js';
import { sessionTokenOf } from '../accounts/session-cookie.js';
import { AccessCodeGate, codeNeedOf } from './access-code-gate.js';
import { keys } from './keys.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OriginGuard } from '../accounts/origin.guard.js';
import { WebTenants } from '../accounts/web-tenant.js';
import type { GatewayConfig } from '../config.js';
import { parseInput } from '../http/parse.js';
import { effectiveRole } from '../meetings/room-bbb-params.js';
import { JitsiMeetingService } from '../meetings/jitsi-meeting.service.js';
import { RoomMeetingService } from '../meetings/room-meeting.service.js';
import { RoomRecordingsService } from '../rooms/room-recordings.service.js';
import { RoomsRepository } from '../rooms/rooms.repository.js';

/**
 * `/api/join/:token`: anyone holding a link; the link says which room and role, on its
 * room's tenant's host (decision 115): opened on another tenant's it opens nothing. A room
 * may also ask for an access code, which may make a moderator, and for a signed-in account
 * (decision 123).
 */
@Controller('api/join')
@UseGuards(OriginGuard)
export class JoinController {
  private readonly limits: RateLimitStore | undefined;
  private readonly codes: AccessCodeGate | undefined;

  constructor(
    private readonly rooms: RoomsRepository,
    private readonly meetings: RoomMeetingService,
    private readonly jitsi: JitsiMeetingService,
    private readonly tenants: WebTenants,
    private readonly accounts: AccountsService,
    private readonly recordings: RoomRecordingsService,
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(REDIS) redis: Redis | null,
  ) {
    this.limits = redis ? new RateLimitStore(redis, config.JOIN_WINDOW_S) : undefined;
    this.codes = redis
      ? new AccessCodeGate(
          new RateLimitStore(redis, config.ACCESS_CODE_WINDOW_S),
          config.ACCESS_CODE_MAX_FAILURES_PER_ROOM,
          config.ACCESS_CODE_MAX_FAILURES_PER_ADDRESS,
        )
      : undefined;
  }

  /**
   * `role`: the link's; a code may make a moderator of a participant link's holder.
   * `recordings`: a public room's published ones (decision 125), to anyone holding a link.
   */
  @Get(':token')
  async info(@Param('token') token: string, @Req() req: FastifyRequest): Promise<JoinInfo> {
    const { room, linkRole } = await this.find(token, this.tenants.of(req));
    return {
      roomName: room.name,
      engine: room.engine,
      role: effectiveRole(linkRole, room.settings),
      code: codeNeedOf(room, linkRole),
      requireSignIn: room.requireSignIn,
      recordings: await this.recordings.joinPageList(room),
    };
  }

  /** 200 `{ status: 'ready', url }`, or 202 `{ status: 'waiting' }` until a moderator has started. */
  @Post(':token')
  async join(
    @Param('token') token: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    // Counted before the link is looked at: guessing tokens costs the same as joining.
    if (this.limits && (await this.limits.hit(keys.attemptsFrom(req.ip))) > this.config.JOIN_MAX_PER_ADDRESS)
      throw new DomainError('rate-limited', 'too many joins from this address; try again later');
    const tenant = this.tenants.of(req);
    const { room, linkRole } = await this.find(token, tenant);
    const { displayName, code } = parseInput(joinBodySchema, body);
    if (room.requireSignIn && !(await this.accounts.userOf(tenant, sessionTokenOf(req))))
      throw new DomainError('unauthorized', 'this room requires signing in: sign in, then open the link again');
    if (!this.codes && codeNeedOf(room, linkRole) !== 'none')
      throw new DomainError('unavailable', 'access codes need Redis');
    const role = effectiveRole(
      this.codes ? await this.codes.roleFor(room, linkRole, code, req.ip) : linkRole,
      room.settings,
    );
    const result =
      room.engine === 'jitsi'
        ? await this.jitsi.join(room, role, displayName)
        : await this.meetings.join(room, role, displayName, `${this.tenants.linkBase(req, tenant)}/`);
    void reply.status(result.status === 'ready' ? 200 : 202).header('cache-control', 'no-store');
    return result;
  }

  private async find(token: string, tenant: string) {
    const found = await this.rooms.byLink(token, tenant);
    if (!found) throw new DomainError('not-found', 'this link does not open any room (it may have been replaced)');
    return found;
  }
}
