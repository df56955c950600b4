import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { contracts } from '@ensemble/contracts';
import { NATS_BUS, type NatsBus } from '@ensemble/shared';
import { RecordingsRepository } from './recordings.repository.js';

/**
 * `ensemble.recordings.stored`: the index is the gateway's, so the scheduler asks here which of a
 * node's recordings are in storage before that node may go (decision 105).
 */
@Injectable()
export class RecordingsStoredHandler implements OnApplicationBootstrap {
  constructor(
    private readonly recordings: RecordingsRepository,
    @Inject(NATS_BUS) private readonly bus: NatsBus,
  ) {}

  onApplicationBootstrap(): void {
    this.bus.serve(contracts.recordingsStored, async (req) => ({
      stored: await this.recordings.storedFormats(req.recordIds),
    }));
  }
}
