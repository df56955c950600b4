import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CONFIG } from '@ensemble/shared';
import type { FastifyInstance } from 'fastify';
import type { GatewayConfig } from '../config.js';
import { repositoryProvider } from '../db/repository.provider.js';
import { CallbacksModule } from '../callbacks/callbacks.module.js';
import { RecordingStorage } from './recording-storage.client.js';
import { RecordingTokenResolver } from './recording-token.resolver.js';
import { storageSettings } from './recordings.config.js';
import { RecordingsRepository } from './recordings.repository.js';
import { RecordingsStoredHandler } from './recordings-stored.handler.js';
import { RecordingsSweeper } from './recordings.sweeper.js';
import { RECORDING_STORAGE } from './recordings.tokens.js';
import { TransferController } from './transfer.controller.js';
import { TransferService } from './transfer.service.js';

export const ARCHIVE_TYPE = 'application/gzip';

/**
 * Recordings moved off the nodes (issue 18, decisions 101-102): the transfer endpoint, the
 * object storage client, the index (`recordings`, `recording_formats`) and its sweeper.
 */
@Module({
  imports: [CallbacksModule],
  controllers: [TransferController],
  providers: [
    {
      provide: RECORDING_STORAGE,
      inject: [CONFIG],
      useFactory: (config: GatewayConfig) => {
        const settings = storageSettings(config);
        return settings ? new RecordingStorage(settings) : null;
      },
    },
    repositoryProvider(RecordingsRepository),
    RecordingTokenResolver,
    TransferService,
    RecordingsSweeper,
    RecordingsStoredHandler,
  ],
  exports: [RecordingsRepository, RECORDING_STORAGE],
})
export class RecordingsModule implements OnModuleInit {
  constructor(private readonly host: HttpAdapterHost) {}

  /**
   * An archive reaches its handler as the request stream itself: Fastify's parsers would
   * buffer it (and BODY_LIMIT_BYTES would refuse it); the transfer bounds it by its own limit.
   */
  onModuleInit(): void {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    if (!fastify.hasContentTypeParser(ARCHIVE_TYPE)) {
      fastify.addContentTypeParser(ARCHIVE_TYPE, (_req, payload, done) => done(null, payload));
    }
  }
}
