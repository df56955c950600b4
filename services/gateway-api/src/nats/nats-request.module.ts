import { Global, Module } from '@nestjs/common';
import { NatsRequestOptionsProvider } from './nats-request-options.provider.js';

/** The one NATS request policy of the gateway, for every module that asks the scheduler or provisioner. */
@Global()
@Module({ providers: [NatsRequestOptionsProvider], exports: [NatsRequestOptionsProvider] })
export class NatsRequestModule {}
