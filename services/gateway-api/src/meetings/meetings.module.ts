import { Module } from '@nestjs/common';
import { JitsiMeetingsService } from './jitsi-meetings.service.js';
import { MeetingsService } from './meetings.service.js';

/** Live meetings on BBB and Jitsi nodes, through the scheduler's placements (and signatures, for BBB). */
@Module({ providers: [MeetingsService, JitsiMeetingsService], exports: [MeetingsService, JitsiMeetingsService] })
export class MeetingsModule {}
