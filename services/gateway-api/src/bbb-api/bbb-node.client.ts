import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { CONFIG, METRICS, type Metrics, readCappedBody } from '@ensemble/shared';
import { Agent, request } from 'undici';
import type { GatewayConfig } from '../config.js';

export interface NodeReply {
  status: number;
  contentType: string;
  location: string | undefined;
  body: string;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Calls BBB nodes with URLs the scheduler signed. One keep-alive pool per
 * node origin; every call has a deadline and a body cap. Failures throw.
 */
@Injectable()
export class BbbNodeClient implements OnModuleDestroy {
  private readonly agent = new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 120_000,
    connections: 64,
    connect: { timeout: 3000 },
  });
  private readonly duration;

  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(METRICS) metrics: Metrics,
  ) {
    this.duration = metrics.histogram(
      'ensemble_bbb_api_node_request_duration_seconds',
      'Calls from the BBB API to nodes',
      ['call', 'outcome'],
    );
  }

  async call(
    url: string,
    opts: { call: string; timeoutMs?: number; body?: string; contentType?: string },
  ): Promise<NodeReply> {
    const timeoutMs = opts.timeoutMs ?? this.config.BBB_API_NODE_TIMEOUT_MS;
    const end = this.duration.startTimer({ call: opts.call });
    try {
      const res = await request(url, {
        dispatcher: this.agent,
        method: opts.body === undefined ? 'GET' : 'POST',
        ...(opts.body === undefined
          ? {}
          : { body: opts.body, headers: { 'content-type': opts.contentType ?? 'application/xml' } }),
        signal: AbortSignal.timeout(timeoutMs),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const body = await readCappedBody(res.body, MAX_BODY_BYTES);
      if (body === null) throw new Error('node answer too large');
      const header = (name: string) => {
        const v = res.headers[name];
        return Array.isArray(v) ? v[0] : v;
      };
      end({ outcome: res.statusCode < 500 ? 'ok' : 'error' });
      return {
        status: res.statusCode,
        contentType: header('content-type') ?? '',
        location: header('location'),
        body,
      };
    } catch (e) {
      end({ outcome: (e as Error).name === 'TimeoutError' ? 'timeout' : 'error' });
      throw e;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.agent.close();
  }
}
