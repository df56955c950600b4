import { Module } from '@nestjs/common';
import { BbbMeetingService } from './bbb-meeting.service.js';
import { BbbNodeClient } from './bbb-node.client.js';
import { JitsiMeetingService } from './jitsi-meeting.service.js';
import { RoomMeetingService } from './room-meeting.service.js';
import { SchedulerClient } from './scheduler.client.js';

/**
 * Meetings on the fleet, for every entry point (web links, the BBB API): the one
 * scheduler client, the one BBB node client and the one BBB meeting path
 * (create, join, locate, end). Web rooms and the BBB API are its two callers.
 */
@Module({
  providers: [SchedulerClient, BbbNodeClient, BbbMeetingService, RoomMeetingService, JitsiMeetingService],
  exports: [SchedulerClient, BbbNodeClient, BbbMeetingService, RoomMeetingService, JitsiMeetingService],
})
export class MeetingsModule {}
