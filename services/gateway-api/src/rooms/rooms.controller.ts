import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Req, UseGuards } from '@nestjs/common';
import { DomainError, createRoomBodySchema, updateRoomBodySchema, type UserView } from '@ensemble/contracts';
import { CONFIG } from '@ensemble/shared';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { OriginGuard } from '../accounts/origin.guard.js';
import { CurrentUser, SessionGuard } from '../accounts/session.guard.js';
import type { GatewayConfig } from '../config.js';
import { parseInput } from '../http/parse.js';
import { publicBase } from '../http/public-base.js';
import { RoomsService, viewOf } from './rooms.service.js';

const roomIdSchema = z.string().regex(/^r[A-Za-z0-9_-]{12}$/, 'not a room id');

/** `/api/rooms`: owner only. */
@Controller('api/rooms')
@UseGuards(OriginGuard, SessionGuard)
export class RoomsController {
  constructor(
    private readonly rooms: RoomsService,
    @Inject(CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@CurrentUser() user: UserView, @Body() body: unknown, @Req() req: FastifyRequest) {
    const room = await this.rooms.create(user.id, parseInput(createRoomBodySchema, body));
    return viewOf(room, this.base(req));
  }

  @Get()
  async list(@CurrentUser() user: UserView, @Req() req: FastifyRequest) {
    const base = this.base(req);
    return { rooms: (await this.rooms.list(user.id)).map((r) => viewOf(r, base)) };
  }

  @Get(':id')
  async get(@CurrentUser() user: UserView, @Param('id') id: string, @Req() req: FastifyRequest) {
    return viewOf(await this.rooms.get(user.id, this.id(id)), this.base(req));
  }

  @Get(':id/live')
  async live(@CurrentUser() user: UserView, @Param('id') id: string) {
    return this.rooms.live(user.id, this.id(id));
  }

  @Patch(':id')
  async update(
    @CurrentUser() user: UserView,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
  ) {
    const room = await this.rooms.update(user.id, this.id(id), parseInput(updateRoomBodySchema, body));
    return viewOf(room, this.base(req));
  }

  @Post(':id/links/rotate')
  @HttpCode(200)
  async rotate(@CurrentUser() user: UserView, @Param('id') id: string, @Req() req: FastifyRequest) {
    return viewOf(await this.rooms.rotate(user.id, this.id(id)), this.base(req));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentUser() user: UserView, @Param('id') id: string): Promise<void> {
    await this.rooms.remove(user.id, this.id(id));
  }

  private base(req: FastifyRequest): string {
    return publicBase(this.config.PUBLIC_URL, req);
  }

  /** A malformed id cannot name any room: 404 like a missing one. */
  private id(id: string): string {
    if (!roomIdSchema.safeParse(id).success) throw new DomainError('not-found', 'no such room');
    return id;
  }
}
