import { Module, type DynamicModule } from '@nestjs/common';
import { CONFIG, CoreModule, REDIS } from '@ensemble/shared';
import type { Redis } from 'ioredis';
import type { SchedulerConfig } from './config.js';
import { BbbAdminClient } from './fleet/bbb-admin.client.js';
import { FleetEvents } from './fleet/fleet-events.js';
import { FleetHandler } from './fleet/fleet.handler.js';
import { FleetService } from './fleet/fleet.service.js';
import { FleetStore } from './fleet/fleet.store.js';
import { NodeAdminService } from './fleet/node-admin.service.js';
import { CallSigner } from './placement/call-signer.js';
import { LoadModel } from './placement/load-model.js';
import { PlacementHandler } from './placement/placement.handler.js';
import { PlacementService } from './placement/placement.service.js';
import { PlacementStore } from './placement/placement.store.js';
import { defineScripts, type SchedulerScripts } from './scripts.js';

const SCRIPTS = Symbol('SCRIPTS');

@Module({})
export class SchedulerModule {
  static forRoot(config: SchedulerConfig, logSink?: (line: string) => void): DynamicModule {
    return {
      module: SchedulerModule,
      imports: [CoreModule.forRoot({ service: 'scheduler', config, ...(logSink ? { logSink } : {}) })],
      providers: [
        { provide: SCRIPTS, useFactory: (redis: Redis) => defineScripts(redis), inject: [REDIS] },
        {
          provide: LoadModel,
          useFactory: (c: SchedulerConfig) =>
            new LoadModel({
              videoWeight: c.LOAD_VIDEO_WEIGHT,
              meetingWeight: c.LOAD_MEETING_WEIGHT,
              newRoomSize: c.NEW_ROOM_SIZE,
            }),
          inject: [CONFIG],
        },
        {
          provide: FleetStore,
          useFactory: (r: Redis, s: SchedulerScripts) => new FleetStore(r, s),
          inject: [REDIS, SCRIPTS],
        },
        {
          provide: PlacementStore,
          useFactory: (s: SchedulerScripts, c: SchedulerConfig) =>
            new PlacementStore(s, c.PENDING_TTL_S * 1000, c.LOAD_MEETING_WEIGHT, {
              largeNodeHeadroom: c.PLACEMENT_LARGE_NODE_HEADROOM,
              steerMinSize: c.PLACEMENT_STEER_MIN_SIZE,
              rememberSizeS: c.ROOM_SIZE_MEMORY_DAYS * 86_400,
              jitsi: {
                defaultCpuPerParticipant: c.JITSI_CPU_PER_PARTICIPANT,
                alpha: c.JITSI_CPU_LEARN_ALPHA,
                minParticipants: c.JITSI_CPU_LEARN_MIN_PARTICIPANTS,
              },
            }),
          inject: [SCRIPTS, CONFIG],
        },
        {
          provide: CallSigner,
          useFactory: (c: SchedulerConfig) => new CallSigner(c.NODE_CHECKSUM_ALGORITHM),
          inject: [CONFIG],
        },
        {
          provide: BbbAdminClient,
          useFactory: (c: SchedulerConfig) =>
            new BbbAdminClient({
              timeoutMs: c.NODE_CALL_TIMEOUT_MS,
              maxBodyBytes: 16 * 1024 * 1024,
              concurrency: c.PANIC_CONCURRENCY,
            }),
          inject: [CONFIG],
        },
        FleetEvents,
        NodeAdminService,
        FleetService,
        FleetHandler,
        PlacementService,
        PlacementHandler,
      ],
    };
  }
}
