import { signQuery, type CallToSign, type ChecksumAlgorithm } from '@ensemble/shared';
import { apiBase } from '../fleet/fleet.store.js';

/** Signs BBB calls for a node with its secret; the secret goes no further than here. */
export class CallSigner {
  constructor(private readonly algorithm: ChecksumAlgorithm) {}

  sign(nodeUrl: string, secret: string, calls: readonly CallToSign[]): string[] {
    const base = apiBase(nodeUrl);
    return calls.map((c) => `${base}${c.call}?${signQuery(c.call, c.query, secret, this.algorithm)}`);
  }
}
