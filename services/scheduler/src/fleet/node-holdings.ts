import { recordIdSchema, type NodeHoldings } from '@ensemble/contracts';
import type { NodeRecording } from './bbb-admin.client.js';

/** At most this many ids per list (the contract's bound); the count beyond is not needed to wait. */
const MAX_IDS = 1000;

/** BBB's states of a recording whose publishing has not happened yet. */
const PROCESSING = new Set(['processing', 'processed']);
/** States whose files a removal would lose unless storage holds every format. */
const KEPT = new Set(['published', 'unpublished']);

/** Record ids of a node's listing that are well-formed (others cannot be asked about, nor stored). */
export const wellFormedIds = (recordings: readonly NodeRecording[]): string[] =>
  recordings.map((r) => r.recordId).filter((id) => recordIdSchema.safeParse(id).success);

/**
 * What a node holds that its removal would lose (decision 105): from its own getRecordings and
 * the formats the gateway's index holds per record id. A recording is in storage when every
 * format the node plays it in is; a node that lists none (BBB gives a published recording at
 * least one) counts as stored once the index has any.
 */
export function holdingsOf(
  nodeId: string,
  meetings: number,
  recordings: readonly NodeRecording[],
  stored: ReadonlyMap<string, readonly string[]>,
  at: number,
): NodeHoldings {
  const ok = new Set(wellFormedIds(recordings));
  const mine = recordings.filter((r) => ok.has(r.recordId));
  const processing = mine.filter((r) => PROCESSING.has(r.state)).map((r) => r.recordId);
  const notStored = mine
    .filter((r) => KEPT.has(r.state))
    .filter((r) => {
      const have = stored.get(r.recordId);
      return !have || (r.formats.length > 0 && r.formats.some((f) => !have.includes(f)));
    })
    .map((r) => r.recordId);
  return {
    nodeId,
    meetings,
    processing: processing.slice(0, MAX_IDS),
    notStored: notStored.slice(0, MAX_IDS),
    error: null,
    at,
  };
}
