import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { CONFIG, METRICS, type Metrics, readCappedBody } from '@ensemble/shared';
import { Agent, request } from 'undici';
import type { GatewayConfig } from '../config.js';
import { NodeCallError, type NodeFailure } from './node-call.error.js';
import { readNodeXml, type NodeXml } from './node-answer.js';

export interface NodeReply {
  status: number;
  contentType: string;
  location: string | undefined;
  body: string;
}

/** A node's answer that passed the schema: relayed as it came, read through `xml`. */
export interface ReadReply {
  reply: NodeReply;
  xml: NodeXml;
}

export interface NodeCallOptions {
  /** The BBB call name, for metrics and errors. */
  call: string;
  /** Default BBB_NODE_TIMEOUT_MS; fan-outs pass their own. */
  timeoutMs?: number;
  /** A POST body (create's pre-upload slides, insertDocument). */
  body?: string;
  contentType?: string;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * The gateway's one client of BBB nodes, for web rooms and the BBB API alike:
 * URLs the scheduler signed, one keep-alive pool per node origin, a deadline
 * and a body cap enforced while reading. Every failure is a `NodeCallError`.
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
      'Calls from the gateway (web rooms and BBB API) to BBB nodes',
      ['call', 'outcome'],
    );
  }

  /** The node's answer as it came (any status); throws on no answer or one over the cap. */
  async call(url: string, opts: NodeCallOptions): Promise<NodeReply> {
    const timeoutMs = opts.timeoutMs ?? this.config.BBB_NODE_TIMEOUT_MS;
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
      if (body === null) throw new NodeCallError(opts.call, 'too-large');
      const header = (name: string) => {
        const v = res.headers[name];
        return Array.isArray(v) ? v[0] : v;
      };
      end({ outcome: res.statusCode < 500 ? 'ok' : 'error' });
      return { status: res.statusCode, contentType: header('content-type') ?? '', location: header('location'), body };
    } catch (e) {
      const failure = failureOf(e);
      end({ outcome: failure === 'timeout' ? 'timeout' : 'error' });
      throw e instanceof NodeCallError ? e : new NodeCallError(opts.call, failure, (e as Error).message);
    }
  }

  /** `call`, then the answer read by the schema; `unreadable` when it is not BBB's `<response>`. */
  async read(url: string, opts: NodeCallOptions): Promise<ReadReply> {
    const reply = await this.call(url, opts);
    const xml = readNodeXml(reply.body);
    if (!xml) throw new NodeCallError(opts.call, 'unreadable', `HTTP ${reply.status}`);
    return { reply, xml };
  }

  /** `read`, and a FAILED answer is `refused` (BBB's `duplicateWarning` on create is a SUCCESS). */
  async succeed(url: string, opts: NodeCallOptions): Promise<ReadReply> {
    const r = await this.read(url, opts);
    if (r.xml.returncode !== 'SUCCESS') throw new NodeCallError(opts.call, 'refused', r.xml.messageKey || '?');
    return r;
  }

  async onModuleDestroy(): Promise<void> {
    await this.agent.close();
  }
}

function failureOf(e: unknown): NodeFailure {
  if (e instanceof NodeCallError) return e.reason;
  const name = (e as Error | undefined)?.name ?? '';
  const code = (e as { code?: unknown } | undefined)?.code;
  return name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT'
    ? 'timeout'
    : 'unreachable';
}
