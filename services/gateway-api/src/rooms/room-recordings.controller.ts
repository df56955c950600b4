import { Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { DomainError, roomRecordingsQuerySchema, type UserView } from '@ensemble/contracts';
import { OriginGuard } from '../accounts/origin.guard.js';
import { CurrentUser, SessionGuard } from '../accounts/session.guard.js';
import { parseInput } from '../http/parse.js';
import { recordIdSchema } from '../recordings/transfer-params.js';
import { roomIdOf } from './room-id.js';
import { RoomRecordingsService } from './room-recordings.service.js';

/** A malformed record id names no recording: 404 like a missing one. */
const recordIdOf = (id: string): string => {
  if (!recordIdSchema.safeParse(id).success) throw new DomainError('not-found', 'no such recording');
  return id;
};

/** `/api/rooms/:id/recordings`: the room's owner and co-owners (decision 123). */
@Controller('api/rooms/:id/recordings')
@UseGuards(OriginGuard, SessionGuard)
export class RoomRecordingsController {
  constructor(private readonly recordings: RoomRecordingsService) {}

  @Get()
  list(@CurrentUser() user: UserView, @Param('id') id: string, @Query() query: unknown) {
    return this.recordings.list(user.id, roomIdOf(id), parseInput(roomRecordingsQuerySchema, query, 'query'));
  }

  @Post(':recordId/publish')
  @HttpCode(200)
  publish(@CurrentUser() user: UserView, @Param('id') id: string, @Param('recordId') recordId: string) {
    return this.recordings.setPublished(user.id, roomIdOf(id), recordIdOf(recordId), true);
  }

  @Post(':recordId/unpublish')
  @HttpCode(200)
  unpublish(@CurrentUser() user: UserView, @Param('id') id: string, @Param('recordId') recordId: string) {
    return this.recordings.setPublished(user.id, roomIdOf(id), recordIdOf(recordId), false);
  }

  @Delete(':recordId')
  @HttpCode(204)
  async remove(
    @CurrentUser() user: UserView,
    @Param('id') id: string,
    @Param('recordId') recordId: string,
  ): Promise<void> {
    await this.recordings.remove(user.id, roomIdOf(id), recordIdOf(recordId));
  }
}
