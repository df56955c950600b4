import { Module } from '@nestjs/common';
import { CONFIG, DATABASE, type Database } from '@ensemble/shared';
import type { SchedulerTables } from '../db/schema.js';
import type { SchedulerConfig } from '../config.js';
import { LoadModule } from '../load/load.module.js';
import { SchedulerScriptsModule } from '../scripts.js';
import { SigningModule } from '../signing/signing.module.js';
import { BbbAdminClient } from './bbb-admin.client.js';
import { FleetEventsPublisher } from './fleet-events.publisher.js';
import { FleetHandler } from './fleet.handler.js';
import { FleetService } from './fleet.service.js';
import { FleetStore } from './fleet.store.js';
import { NodeAdminService } from './node-admin.service.js';
import { NodeHoldingsService } from './node-holdings.service.js';
import { NodeRemovalService } from './node-removal.service.js';
import { NodeMirrorService } from './node-mirror.service.js';
import { NodesRepository } from './nodes.repository.js';
import { NodeSuspicionService } from './node-suspicion.service.js';
import { UploadTokenPurgeService } from './upload-token-purge.service.js';

/**
 * The fleet context: nodes (their record in PostgreSQL, mirrored into Redis), their admin state, health and samples, poll targets,
 * panic, callers' reports of a failing node (suspect, decision 083). Shows each
 * node's load through LoadModule; tells others of node changes through
 * FleetEventsPublisher (its one export).
 */
@Module({
  imports: [SchedulerScriptsModule, LoadModule, SigningModule],
  providers: [
    FleetStore,
    {
      provide: NodesRepository,
      inject: [DATABASE],
      useFactory: (database: Database | null) => {
        if (!database) throw new Error('the scheduler needs DATABASE_URL');
        return new NodesRepository(database.typed<SchedulerTables>());
      },
    },
    NodeMirrorService,
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
    FleetEventsPublisher,
    NodeAdminService,
    NodeHoldingsService,
    NodeRemovalService,
    NodeSuspicionService,
    UploadTokenPurgeService,
    FleetService,
    FleetHandler,
  ],
  exports: [FleetEventsPublisher],
})
export class FleetModule {}
