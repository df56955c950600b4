import { Inject, Injectable } from '@nestjs/common';
import { DomainError, contracts, type NodeHoldings } from '@ensemble/contracts';
import { LOGGER, NATS_BUS, type Logger, type NatsBus } from '@ensemble/shared';
import { NodeSigningService } from '../signing/node-signing.service.js';
import { BbbAdminClient } from './bbb-admin.client.js';
import { FleetStore } from './fleet.store.js';
import { holdingsOf, wellFormedIds } from './node-holdings.js';

/** Every state BBB lists that still has files on the node (not `deleted`). */
const STATES = 'processing,processed,published,unpublished';
/** Record ids per question to the gateway (the contract's bound). */
const CHUNK = 1000;

/**
 * Asks a node what it still holds (its meetings and recordings, signed calls) and the gateway's
 * index which of its recordings are stored (`ensemble.recordings.stored`), on request: the ops
 * API before a removal, `ensemble nodes show`, the provisioner before a scale-in destroys the node.
 */
@Injectable()
export class NodeHoldingsService {
  constructor(
    private readonly store: FleetStore,
    private readonly signer: NodeSigningService,
    private readonly client: BbbAdminClient,
    @Inject(NATS_BUS) private readonly bus: NatsBus,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async holdings(id: string): Promise<NodeHoldings> {
    const node = await this.store.get(id);
    if (!node) throw new DomainError('not-found', `no node ${id}`);
    const at = Date.now();
    if (node.engine !== 'bbb') {
      // Jitsi keeps no recordings; its meetings are the rooms placed on it.
      const rooms = (await this.store.list(node.engine)).find((n) => n.id === id)?.rooms ?? 0;
      return { nodeId: id, meetings: rooms, processing: [], notStored: [], error: null, at };
    }
    const creds = await this.store.credentials(id);
    if (!creds) throw new DomainError('not-found', `no node ${id}`);
    let meetings: number;
    let recordings: Awaited<ReturnType<BbbAdminClient['recordings']>>;
    try {
      const [m, r] = this.signer.sign(creds.url, creds.secret, [
        { call: 'getMeetings', query: '' },
        { call: 'getRecordings', query: `state=${STATES}` },
      ]);
      [meetings, recordings] = await Promise.all([
        this.client.meetingIds(m!).then((ids) => ids.length),
        this.client.recordings(r!),
      ]);
    } catch (e) {
      const error = (e as Error).message.slice(0, 200);
      this.logger.info('node holdings unknown', { nodeId: id, error });
      return { nodeId: id, meetings: 0, processing: [], notStored: [], error, at };
    }
    const ids = wellFormedIds(recordings);
    const stored = new Map<string, string[]>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const reply = await this.bus.request(contracts.recordingsStored, { recordIds: ids.slice(i, i + CHUNK) });
      for (const s of reply.stored) stored.set(s.recordId, s.formats);
    }
    return holdingsOf(id, meetings, recordings, stored, at);
  }
}
