import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  CONFIG,
  CallbackDelivery,
  LOGGER,
  METRICS,
  NATS_BUS,
  callbackRetryPolicy,
  type Logger,
  type Metrics,
  type NatsBus,
} from '@ensemble/shared';
import type { GatewayConfig } from '../config.js';
import { TenantSecretSource } from './tenant-secrets.port.js';

/**
 * This gateway's share of outbound callback delivery: the stream and consumer made
 * sure of at start, callbacks sent until shutdown (decisions 103, 113), each signed at
 * its attempt with its tenant's secret.
 */
@Injectable()
export class CallbackDeliveryService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly delivery: CallbackDelivery;

  constructor(
    @Inject(CONFIG) config: GatewayConfig,
    @Inject(LOGGER) logger: Logger,
    @Inject(METRICS) metrics: Metrics,
    @Inject(NATS_BUS) bus: NatsBus,
    secrets: TenantSecretSource,
  ) {
    this.delivery = new CallbackDelivery({
      connection: bus.connection,
      logger,
      metrics,
      retry: callbackRetryPolicy(config),
      replicas: config.CALLBACK_STREAM_REPLICAS,
      secretOf: (tenant) => secrets.signingSecret(tenant),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.delivery.ensure();
    await this.delivery.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.delivery.stop();
  }
}
