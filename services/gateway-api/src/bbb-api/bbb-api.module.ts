import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { repositoryProvider } from '../db/repository.provider.js';
import type { FastifyInstance } from 'fastify';
import { BbbApiController, serveBbb } from './bbb-api.controller.js';
import { BbbApiService } from './bbb-api.service.js';
import { CallbacksModule } from '../callbacks/callbacks.module.js';
import { MeetingsModule } from '../meetings/meetings.module.js';
import { PlaybackModule } from '../playback/playback.module.js';
import { RecordingsModule } from '../recordings/recordings.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { BbbRecordingsService } from './bbb-recordings.service.js';
import { BbbFleetService } from './bbb-fleet.service.js';
import { CreateParamsPurge } from './create-params.purge.js';
import { CreateParamsRepository } from './create-params.repository.js';
import { MeetingCallsService } from './meeting-calls.service.js';

const FORM = 'application/x-www-form-urlencoded';

/**
 * The BBB-compatible API (`/bigbluebutton/api`) over the whole fleet, on the one meeting
 * path of MeetingsModule. Owns the `bbb_create_params` table.
 */
@Module({
  imports: [PlaybackModule, MeetingsModule, RecordingsModule, TenantsModule, CallbacksModule],
  controllers: [BbbApiController],
  providers: [
    BbbApiService,
    MeetingCallsService,
    BbbFleetService,
    BbbRecordingsService,
    repositoryProvider(CreateParamsRepository),
    CreateParamsPurge,
  ],
})
export class BbbApiModule implements OnModuleInit {
  constructor(
    private readonly host: HttpAdapterHost,
    private readonly api: BbbApiService,
  ) {}

  /**
   * BBB checksums cover the form body byte for byte, so form and XML bodies
   * reach handlers as raw strings (only the BBB API reads them).
   */
  onModuleInit(): void {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    const raw = (_req: unknown, body: string, done: (err: null, body: string) => void) => done(null, body);
    if (fastify.hasContentTypeParser(FORM)) fastify.removeContentTypeParser(FORM);
    fastify.addContentTypeParser(FORM, { parseAs: 'string' }, raw);
    for (const type of ['application/xml', 'text/xml']) {
      if (!fastify.hasContentTypeParser(type)) fastify.addContentTypeParser(type, { parseAs: 'string' }, raw);
    }
    // Nest drops trailing slashes from routes; integrations call the root as `/bigbluebutton/api/` too.
    fastify.route({
      method: ['GET', 'POST'],
      url: '/bigbluebutton/api/',
      handler: (req, reply) => serveBbb(this.api, '', req, reply),
    });
    // A tenant reached by path, for set-ups without wildcard DNS (decision 110).
    for (const url of ['/t/:tenant/bigbluebutton/api', '/t/:tenant/bigbluebutton/api/']) {
      fastify.route({ method: ['GET', 'POST'], url, handler: (req, reply) => serveBbb(this.api, '', req, reply) });
    }
    fastify.route({
      method: ['GET', 'POST'],
      url: '/t/:tenant/bigbluebutton/api/:call',
      handler: (req, reply) => serveBbb(this.api, (req.params as { call: string }).call, req, reply),
    });
  }
}
