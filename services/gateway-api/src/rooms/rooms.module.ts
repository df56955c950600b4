import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { MeetingsModule } from '../meetings/meetings.module.js';
import { JitsiMeetingService } from '../meetings/jitsi-meeting.service.js';
import { RoomMeetingService } from '../meetings/room-meeting.service.js';
import { RoomsController } from './rooms.controller.js';
import { RoomsService } from './rooms.service.js';
import { repositoryProvider } from '../db/repository.provider.js';
import { RoomsRepository } from './rooms.repository.js';

/** Rooms and their links. Owns the `rooms` table. */
@Module({
  imports: [AccountsModule, MeetingsModule],
  controllers: [RoomsController],
  providers: [
    repositoryProvider(RoomsRepository),
    {
      provide: RoomsService,
      inject: [RoomsRepository, RoomMeetingService, JitsiMeetingService],
      useFactory: (store: RoomsRepository, meetings: RoomMeetingService, jitsi: JitsiMeetingService) =>
        new RoomsService(store, meetings, jitsi),
    },
  ],
  exports: [RoomsRepository],
})
export class RoomsModule {}
