import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { MeetingsModule } from '../meetings/meetings.module.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import { JoinController } from './join.controller.js';

/** Joining a room by link. */
@Module({ imports: [AccountsModule, RoomsModule, MeetingsModule], controllers: [JoinController] })
export class JoinModule {}
