import { Inject, Injectable } from '@nestjs/common';
import { type CallToSign } from '@ensemble/contracts';
import { CONFIG, signQuery, type ChecksumAlgorithm } from '@ensemble/shared';
import type { SchedulerConfig } from '../config.js';
import { apiBase } from './api-base.js';

/**
 * Signs BBB calls for a node with its secret and `NODE_CHECKSUM_ALGORITHM`: every
 * call the scheduler signs (placements, fan-outs, panic, polls) goes through here.
 * The secret goes no further.
 */
@Injectable()
export class NodeSigningService {
  private readonly algorithm: ChecksumAlgorithm;

  constructor(@Inject(CONFIG) config: Pick<SchedulerConfig, 'NODE_CHECKSUM_ALGORITHM'>) {
    this.algorithm = config.NODE_CHECKSUM_ALGORITHM;
  }

  sign(nodeUrl: string, secret: string, calls: readonly CallToSign[]): string[] {
    const base = apiBase(nodeUrl);
    return calls.map((c) => `${base}${c.call}?${signQuery(c.call, c.query, secret, this.algorithm)}`);
  }

  /** The signed `getMeetings` URL a collector polls the node with. */
  pollUrl(nodeUrl: string, secret: string): string {
    return this.sign(nodeUrl, secret, [{ call: 'getMeetings', query: '' }])[0]!;
  }
}
