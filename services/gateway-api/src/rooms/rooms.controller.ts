import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req, UseGuards } from '@nestjs/common';
import { addRoomMemberBodySchema, createRoomBodySchema, updateRoomBodySchema } from '@ensemble/contracts';
import type { FastifyRequest } from 'fastify';
import { OriginGuard } from '../accounts/origin.guard.js';
import { CurrentUser, SessionGuard } from '../accounts/session.guard.js';
import { WebTenants } from '../accounts/web-tenant.js';
import type { SignedInUser } from '../accounts/accounts.service.js';
import { PermissionChecks } from '../roles/permissions.js';
import { parseInput } from '../http/parse.js';
import { roomIdOf } from './room-id.js';
import { RoomsService, viewOf } from './rooms.service.js';

/**
 * `/api/rooms`: owners and the co-owners they shared a room with (decision 123), so the
 * owner's tenant's people only (the session is checked against the host's tenant).
 */
@Controller('api/rooms')
@UseGuards(OriginGuard, SessionGuard)
export class RoomsController {
  constructor(
    private readonly rooms: RoomsService,
    private readonly tenants: WebTenants,
    private readonly permissions: PermissionChecks,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@CurrentUser() user: SignedInUser, @Body() body: unknown, @Req() req: FastifyRequest) {
    const input = parseInput(createRoomBodySchema, body);
    // The role's createRooms and roomLimit (decision 124), after the input is known good.
    await this.permissions.mayCreateRoom(this.tenants.of(req), user);
    const room = await this.rooms.create(user.id, input);
    return viewOf(room, this.base(req));
  }

  @Get()
  async list(@CurrentUser() user: SignedInUser, @Req() req: FastifyRequest) {
    const base = this.base(req);
    return { rooms: (await this.rooms.list(user.id)).map((r) => viewOf(r, base)) };
  }

  @Get(':id')
  async get(@CurrentUser() user: SignedInUser, @Param('id') id: string, @Req() req: FastifyRequest) {
    return viewOf(await this.rooms.get(user.id, this.id(id)), this.base(req));
  }

  @Get(':id/live')
  async live(@CurrentUser() user: SignedInUser, @Param('id') id: string) {
    return this.rooms.live(user.id, this.id(id));
  }

  @Patch(':id')
  async update(
    @CurrentUser() user: SignedInUser,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
  ) {
    const room = await this.rooms.update(user.id, this.id(id), parseInput(updateRoomBodySchema, body));
    return viewOf(room, this.base(req));
  }

  @Post(':id/links/rotate')
  @HttpCode(200)
  async rotate(@CurrentUser() user: SignedInUser, @Param('id') id: string, @Req() req: FastifyRequest) {
    return viewOf(await this.rooms.rotate(user.id, this.id(id)), this.base(req));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentUser() user: SignedInUser, @Param('id') id: string): Promise<void> {
    await this.rooms.remove(user.id, this.id(id));
  }

  @Get(':id/members')
  async members(@CurrentUser() user: SignedInUser, @Param('id') id: string) {
    return { members: await this.rooms.listMembers(user.id, this.id(id)) };
  }

  @Post(':id/members')
  @HttpCode(201)
  async addMember(
    @CurrentUser() user: SignedInUser,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
  ) {
    const { email } = parseInput(addRoomMemberBodySchema, body);
    await this.permissions.require(this.tenants.of(req), user, 'shareRooms');
    return this.rooms.addMember(user.id, this.tenants.of(req), this.id(id), email);
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  async removeMember(@CurrentUser() user: SignedInUser, @Param('id') id: string, @Param('userId') userId: string) {
    await this.rooms.removeMember(user.id, this.id(id), userId);
  }

  private base(req: FastifyRequest): string {
    return this.tenants.linkBase(req, this.tenants.of(req));
  }

  private id(id: string): string {
    return roomIdOf(id);
  }
}
