import { Module } from '@nestjs/common';
import { REDIS } from '@ensemble/shared';
import type { Redis } from 'ioredis';
import { AccountsModule } from '../accounts/accounts.module.js';
import { MeetingsModule } from '../meetings/meetings.module.js';
import { JitsiMeetingService } from '../meetings/jitsi-meeting.service.js';
import { RoomMeetingService } from '../meetings/room-meeting.service.js';
import { RoomsController } from './rooms.controller.js';
import { RoomsService } from './rooms.service.js';
import { RoomsStore } from './rooms.store.js';

/** Rooms and their links. Owns the `ens:gw:rooms:` keys. */
@Module({
  imports: [AccountsModule, MeetingsModule],
  controllers: [RoomsController],
  providers: [
    {
      provide: RoomsStore,
      inject: [REDIS],
      useFactory: (redis: Redis | null) => {
        if (!redis) throw new Error('the gateway needs REDIS_URL');
        return new RoomsStore(redis);
      },
    },
    {
      provide: RoomsService,
      inject: [RoomsStore, RoomMeetingService, JitsiMeetingService],
      useFactory: (store: RoomsStore, meetings: RoomMeetingService, jitsi: JitsiMeetingService) =>
        new RoomsService(store, meetings, jitsi),
    },
  ],
  exports: [RoomsStore],
})
export class RoomsModule {}
