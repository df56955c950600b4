import { Module } from '@nestjs/common';
import { MeetingsService } from './meetings.service.js';

/** Live meetings on BBB nodes, through the scheduler's placements and signatures. */
@Module({ providers: [MeetingsService], exports: [MeetingsService] })
export class MeetingsModule {}
