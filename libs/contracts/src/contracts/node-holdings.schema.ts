import { z } from 'zod';
import { epochMsSchema, nodeIdSchema } from './common.schema.js';

/** BBB's record IDs are `<sha1 of the meeting ID>-<ms>`; anything else a node sends is refused. */
export const recordIdSchema = z.string().regex(/^[0-9a-f]{40}-\d{10,16}$/, 'recordId: <40 hex>-<milliseconds>');
/** BBB's playback formats (presentation, video, podcast, notes, screenshare, ...). */
export const formatSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'format: a-z 0-9 _ -');

/**
 * `ensemble.recordings.stored` (answered by the gateway, which owns the index): of these
 * record ids, which formats are in storage? A record id the index lacks is left out.
 */
export const recordingsStoredSchema = z.object({ recordIds: z.array(recordIdSchema).max(1000) }).strict();
export const recordingsStoredReplySchema = z.object({
  stored: z.array(z.object({ recordId: recordIdSchema, formats: z.array(formatSchema).max(32) })),
});

/**
 * `ensemble.fleet.holdings`: what a node still holds that its removal would lose (decision 105):
 * meetings running, recordings still processing, published recordings not (fully) in storage.
 */
export const nodeHoldingsRequestSchema = z.object({ id: nodeIdSchema }).strict();
export const nodeHoldingsSchema = z.object({
  nodeId: nodeIdSchema,
  meetings: z.number().int().nonnegative(),
  /** Record ids the node is still processing (BBB states processing, processed). */
  processing: z.array(recordIdSchema).max(1000),
  /** Published or unpublished record ids with a format the index does not hold. */
  notStored: z.array(recordIdSchema).max(1000),
  /** Why the node could not be asked (unreachable...): then nothing above is known. */
  error: z.string().max(200).nullable(),
  at: epochMsSchema,
});
export type NodeHoldings = z.infer<typeof nodeHoldingsSchema>;

/** Nothing to lose: no meeting, nothing processing, everything in storage, and the node answered. */
export const holdsNothing = (h: NodeHoldings): boolean =>
  h.error === null && h.meetings === 0 && h.processing.length === 0 && h.notStored.length === 0;

/** Recordings a panic or forced removal would lose: processing, or not yet in storage. */
export const recordingsAtRisk = (h: NodeHoldings | null | undefined): h is NodeHoldings =>
  !!h && (h.processing.length > 0 || h.notStored.length > 0);

/** "2 meetings, 1 recording processing (id), 3 recordings not yet in storage (ids...)", one text everywhere. */
export function describeHoldings(h: NodeHoldings): string {
  if (h.error !== null) return `the node could not be asked (${h.error})`;
  const ids = (xs: readonly string[]) => (xs.length > 5 ? `${xs.slice(0, 5).join(', ')}, ...` : xs.join(', '));
  const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  const parts: string[] = [];
  if (h.meetings > 0) parts.push(plural(h.meetings, 'meeting'));
  if (h.processing.length > 0)
    parts.push(`${plural(h.processing.length, 'recording')} processing (${ids(h.processing)})`);
  if (h.notStored.length > 0)
    parts.push(`${plural(h.notStored.length, 'recording')} not yet in storage (${ids(h.notStored)})`);
  return parts.length ? parts.join(', ') : 'nothing';
}
