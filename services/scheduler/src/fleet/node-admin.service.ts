import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  DomainError,
  describeHoldings,
  recordingsAtRisk,
  type NodeHoldings,
  type PanicNodeReply,
} from '@ensemble/contracts';
import { LOGGER, encodeQuery, type Logger } from '@ensemble/shared';
import { apiBase } from '../signing/api-base.js';
import { NodeSigningService } from '../signing/node-signing.service.js';
import { BbbAdminClient } from './bbb-admin.client.js';
import { FleetEventsPublisher } from './fleet-events.publisher.js';
import { FleetStore } from './fleet.store.js';
import { NodeHoldingsService } from './node-holdings.service.js';
import { NodesRepository } from './nodes.repository.js';

/** Operator actions that reach a node itself: panic (end its meetings) and reading its version. */
@Injectable()
export class NodeAdminService implements OnApplicationShutdown {
  constructor(
    private readonly store: FleetStore,
    private readonly nodes: NodesRepository,
    private readonly signer: NodeSigningService,
    private readonly client: BbbAdminClient,
    private readonly events: FleetEventsPublisher,
    private readonly holdings: NodeHoldingsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Disables the node and releases its rooms first (one script: from then on every
   * join of those rooms is placed anew elsewhere), then ends what still runs on it.
   */
  async panic(id: string, by: string): Promise<PanicNodeReply> {
    // The record first: a rebuilt mirror keeps the node disabled.
    const record = await this.nodes.update({ id, state: 'disabled' });
    if (!record) throw new DomainError('not-found', `no node ${id}`);
    let released = await this.store.panic(id);
    if (released === null && (await this.store.mirror(record)) !== 'conflict') released = await this.store.panic(id);
    if (released === null) throw new DomainError('not-found', `no node ${id}`);
    // Asked beside the ending, never before it: a panic does not wait (decision 105).
    const atRisk = this.recordingsAtRisk(id, by);
    await this.events.changed(id, 'updated', by, 'node panicked: disabled, rooms released', { released });
    const creds = await this.store.credentials(id);
    const node = await this.store.get(id);
    if (!creds || !node) throw new DomainError('not-found', `no node ${id}`);
    if (node.engine !== 'bbb') return { node, ended: 0, failed: 0, released, error: null, atRisk: await atRisk };
    try {
      const [list] = this.signer.sign(creds.url, creds.secret, [{ call: 'getMeetings', query: '' }]);
      const ids = await this.client.meetingIds(list!);
      const ends = this.signer.sign(
        creds.url,
        creds.secret,
        ids.map((m) => ({ call: 'end', query: encodeQuery({ meetingID: m }) })),
      );
      const { ended, failed } = await this.client.endAll(ends);
      this.logger.info('node panic ended meetings', { nodeId: id, by, ended, failed });
      return { node, ended, failed, released, error: null, atRisk: await atRisk };
    } catch (e) {
      const error = (e as Error).message.slice(0, 200);
      this.logger.warn('node panic could not end meetings', { nodeId: id, by, error });
      return { node, ended: 0, failed: 0, released, error, atRisk: await atRisk };
    }
  }

  /** What the panicked node holds, logged when recordings are at risk; null when it cannot be asked. */
  private async recordingsAtRisk(id: string, by: string): Promise<NodeHoldings | null> {
    const h = await this.holdings.holdings(id).catch(() => null);
    if (recordingsAtRisk(h))
      this.logger.warn('node panicked with recordings at risk', { nodeId: id, by, atRisk: describeHoldings(h) });
    return h;
  }

  /** Reads `<bbbVersion>` from the node's API root and keeps it; failures only log. */
  async refreshVersion(id: string): Promise<void> {
    const node = await this.store.get(id);
    if (node?.engine !== 'bbb') return;
    try {
      const version = await this.client.version(apiBase(node.url));
      if (version) await this.store.setVersion(id, version);
    } catch (e) {
      this.logger.debug('node version unknown', { nodeId: id, error: (e as Error).message });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
