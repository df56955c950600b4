import { PlaybackModule } from '../playback/playback.module.js';
import { PlaybackTokens } from '../playback/playback-tokens.js';
import { RecordingProtection } from '../playback/recording-protection.js';
import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { MeetingsModule } from '../meetings/meetings.module.js';
import { JitsiMeetingService } from '../meetings/jitsi-meeting.service.js';
import { RoomMeetingService } from '../meetings/room-meeting.service.js';
import { RecordingsModule } from '../recordings/recordings.module.js';
import { RecordingsRepository } from '../recordings/recordings.repository.js';
import { RoomRecordingsController } from './room-recordings.controller.js';
import { RoomRecordingsService } from './room-recordings.service.js';
import { RoomsController } from './rooms.controller.js';
import { RoomsService } from './rooms.service.js';
import { repositoryProvider } from '../db/repository.provider.js';
import { RoomsRepository } from './rooms.repository.js';
import { RoomMembersRepository } from './room-members.repository.js';

/** Rooms, their links and their recordings (the index's rows of their meeting). Owns the `rooms` and `room_members` tables. */
@Module({
  imports: [PlaybackModule, AccountsModule, MeetingsModule, RecordingsModule],
  controllers: [RoomsController, RoomRecordingsController],
  providers: [
    repositoryProvider(RoomsRepository),
    repositoryProvider(RoomMembersRepository),
    {
      provide: RoomRecordingsService,
      inject: [RoomsRepository, RecordingsRepository, RecordingProtection],
      useFactory: (store: RoomsRepository, recordings: RecordingsRepository, protection: RecordingProtection) =>
        new RoomRecordingsService(store, recordings, (r, roomVisibility) =>
          protection.linkQuery({ ...r, roomVisibility }),
        ),
    },
    {
      provide: RoomsService,
      inject: [
        RoomsRepository,
        RoomMeetingService,
        JitsiMeetingService,
        RoomRecordingsService,
        RoomMembersRepository,
        PlaybackTokens,
      ],
      useFactory: (
        store: RoomsRepository,
        meetings: RoomMeetingService,
        jitsi: JitsiMeetingService,
        recordings: RoomRecordingsService,
        members: RoomMembersRepository,
        tokens: PlaybackTokens,
      ) => new RoomsService(store, meetings, jitsi, recordings, members, tokens.canSign),
    },
  ],
  exports: [RoomsRepository, RoomRecordingsService],
})
export class RoomsModule {}
