import { tagSchema } from '@ensemble/contracts';
import type { PlacementHints } from '../meetings/scheduler.client.js';
import type { BbbParams } from './bbb-params.js';

/**
 * Scalelite's `meta_server-tag` (`tag`, `tag!`, `a,b!`) and our
 * `meta_ensemble-size-hint`. `!` makes the tags required: the meeting goes to
 * a node with one of them (in the order given) or nowhere. Without `!` the
 * tags are preferred and any node is the fallback. Tags are lower-cased; one
 * that no node can carry (not a valid `tagSchema` tag) matches no node.
 */
export function placementHints(params: BbbParams): PlacementHints {
  const raw = params.text('meta_server-tag').toLowerCase();
  const required = raw.endsWith('!');
  const tags = (required ? raw.slice(0, -1) : raw)
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const valid = tags.filter((t) => tagSchema.safeParse(t).success);
  let tagChoices: string[][];
  if (tags.length === 0) tagChoices = [[]];
  else if (required) tagChoices = valid.map((t) => [t]);
  else tagChoices = [...valid.map((t) => [t]), []];
  const size = Number(params.text('meta_ensemble-size-hint'));
  const expectedSize = Number.isInteger(size) && size >= 1 && size <= 100_000 ? size : undefined;
  return { tagChoices, expectedSize };
}
