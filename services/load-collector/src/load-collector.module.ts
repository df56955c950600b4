import { Module, type DynamicModule } from '@nestjs/common';
import { CONFIG, CoreModule, METRICS, type Metrics } from '@ensemble/shared';
import type { LoadCollectorConfig } from './config.js';
import { BbbPollClient } from './bbb/bbb-poll.client.js';
import { CollectorMetrics } from './collector.metrics.js';
import { PollerService } from './poll/poller.service.js';
import { PrometheusPollerService } from './prometheus/prometheus-poller.service.js';

@Module({})
export class LoadCollectorModule {
  static forRoot(config: LoadCollectorConfig, logSink?: (line: string) => void): DynamicModule {
    return {
      module: LoadCollectorModule,
      // The config has no REDIS_URL (the collector owns no state), so CoreModule's Redis provider yields null.
      imports: [CoreModule.forRoot({ service: 'load-collector', config, ...(logSink ? { logSink } : {}) })],
      providers: [
        { provide: CollectorMetrics, useFactory: (m: Metrics) => new CollectorMetrics(m), inject: [METRICS] },
        {
          provide: BbbPollClient,
          useFactory: (c: LoadCollectorConfig) =>
            new BbbPollClient({
              connectTimeoutMs: c.POLL_CONNECT_TIMEOUT_MS,
              timeoutMs: c.POLL_TIMEOUT_MS,
              offlineTimeoutMs: c.POLL_OFFLINE_TIMEOUT_MS,
              maxBodyBytes: c.POLL_MAX_BODY_BYTES,
            }),
          inject: [CONFIG],
        },
        PollerService,
        PrometheusPollerService,
      ],
    };
  }
}
