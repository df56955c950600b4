import { Inject, Injectable } from '@nestjs/common';
import { type FleetNodeView } from '@ensemble/contracts';
import { CONFIG, LOGGER, mapLimit, type Logger } from '@ensemble/shared';
import type { GatewayConfig } from '../config.js';
import { BbbNodeClient, type NodeReply } from '../meetings/bbb-node.client.js';
import { listItems, readNodeXml } from '../meetings/node-answer.js';
import { SchedulerClient } from '../meetings/scheduler.client.js';
import { xmlAnswer, type BbbAnswer } from './bbb-answer.js';
import type { BbbParams } from './bbb-params.js';
import { meetingsXml } from './answer-xml.js';
import type { TenantScope } from '../tenants/tenant-scope.js';

/** The text of `<meetingID>` in one `<meeting>` or `<recording>` element of a node's answer. */
export const meetingIdOfItem = (item: string): string => /<meetingID>([^<]*)<\/meetingID>/.exec(item)?.[1] ?? '';

/** Calls in flight at once in a fan-out: to nodes, and signing requests to the scheduler. */
const FANOUT_CONCURRENCY = 16;
/** getMeetings takes no parameters: its signed URL per node is stable, kept this long. */
const SIGNED_TTL_MS = 60_000;

/** Calls answered by the whole fleet: each reachable node asked in parallel, each with a deadline. */
@Injectable()
export class BbbFleetService {
  private readonly signedGetMeetings = new Map<string, { url: string; nodeUrl: string; at: number }>();

  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly scheduler: SchedulerClient,
    private readonly nodes: BbbNodeClient,
  ) {}

  /** The tenant's meetings on every node (decision 110): another tenant's are not even counted. */
  async getMeetings(scope: TenantScope): Promise<BbbAnswer> {
    const replies = await this.fanOut('getMeetings', async (nodes) => {
      const now = Date.now();
      return mapLimit(nodes, FANOUT_CONCURRENCY, async (n) => {
        const hit = this.signedGetMeetings.get(n.id);
        if (hit && hit.nodeUrl === n.url && now - hit.at < SIGNED_TTL_MS) return hit.url;
        const [url] = await this.scheduler.sign(n.id, [{ call: 'getMeetings', query: '' }]);
        this.signedGetMeetings.set(n.id, { url: url!, nodeUrl: n.url, at: now });
        return url!;
      });
    });
    const meetings = replies
      .flatMap(({ nodeId, reply }) => this.items(nodeId, reply, 'meetings', 'meeting'))
      .filter((m) => scope.owns(meetingIdOfItem(m)));
    return xmlAnswer(meetingsXml(meetings));
  }

  /** The nodes' `<recording>` elements for these parameters, verbatim (those not transferred yet among them). */
  async recordingItems(params: BbbParams): Promise<string[]> {
    const replies = await this.fanOut('getRecordings', (nodes) => this.signEach(nodes, 'getRecordings', params));
    return replies.flatMap(({ nodeId, reply }) => this.items(nodeId, reply, 'recordings', 'recording'));
  }

  /**
   * publishRecordings / updateRecordings / deleteRecordings sent to every node: a node that
   * still holds the recording changes it too (so it does not hand it over again as it was).
   * True when some node knew them.
   */
  async changeRecordings(call: string, params: BbbParams): Promise<boolean> {
    const replies = await this.fanOut(call, (nodes) => this.signEach(nodes, call, params));
    return replies.some(({ reply }) => readNodeXml(reply.body)?.returncode === 'SUCCESS');
  }

  /** One signing request per node, FANOUT_CONCURRENCY at a time: a big fleet does not flood the scheduler. */
  private async signEach(nodes: FleetNodeView[], call: string, params: BbbParams): Promise<string[]> {
    const query = params.toQuery();
    return mapLimit(nodes, FANOUT_CONCURRENCY, async (n) => (await this.scheduler.sign(n.id, [{ call, query }]))[0]!);
  }

  /** Asks every node that is not known offline; nodes that fail or time out are left out. */
  private async fanOut(
    call: string,
    signAll: (nodes: FleetNodeView[]) => Promise<string[]>,
  ): Promise<Array<{ nodeId: string; reply: NodeReply }>> {
    const nodes = (await this.scheduler.bbbNodes()).filter((n) => n.health !== 'offline');
    const urls = await signAll(nodes);
    const out = await mapLimit(nodes, FANOUT_CONCURRENCY, async (node, i) => {
      try {
        const reply = await this.nodes.call(urls[i]!, { call, timeoutMs: this.config.BBB_API_FANOUT_TIMEOUT_MS });
        return { nodeId: node.id, reply };
      } catch (e) {
        this.logger.warn('bbb node left out of fan-out', { call, nodeId: node.id, error: (e as Error).message });
        return undefined;
      }
    });
    return out.filter((r) => r !== undefined);
  }

  private items(nodeId: string, reply: NodeReply, list: string, item: string): string[] {
    const items = reply.status === 200 ? listItems(reply.body, list, item) : undefined;
    if (!items) this.logger.warn('bbb node answer left out of fan-out', { nodeId, list, status: reply.status });
    return items ?? [];
  }
}
