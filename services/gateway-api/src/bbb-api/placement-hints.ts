import { bbbApiRoomKey } from '@ensemble/shared';
import type { BbbParams } from './bbb-params.js';

const TAG = /^[a-z0-9][a-z0-9:._-]{0,31}$/;
/** The scheduler's room key for a BBB API meetingID (see `bbbApiRoomKey`). */
export const roomKeyFor = bbbApiRoomKey;

export interface PlacementHints {
  /** Tag sets to try in order until one places the meeting; `[]` means any node. */
  tagChoices: string[][];
  expectedSize: number | undefined;
}

/**
 * Scalelite's `meta_server-tag` (`tag`, `tag!`, `a,b!`) and our
 * `meta_ensemble-size-hint`. `!` makes the tags required: the meeting goes to
 * a node with one of them (in the order given) or nowhere. Without `!` the
 * tags are preferred and any node is the fallback. Tags are lower-cased; one
 * that no node can carry (outside `[a-z0-9:._-]`) matches no node.
 */
export function placementHints(params: BbbParams): PlacementHints {
  const raw = params.text('meta_server-tag').toLowerCase();
  const required = raw.endsWith('!');
  const tags = (required ? raw.slice(0, -1) : raw)
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const valid = tags.filter((t) => TAG.test(t));
  let tagChoices: string[][];
  if (tags.length === 0) tagChoices = [[]];
  else if (required) tagChoices = valid.map((t) => [t]);
  else tagChoices = [...valid.map((t) => [t]), []];
  const size = Number(params.text('meta_ensemble-size-hint'));
  const expectedSize = Number.isInteger(size) && size >= 1 && size <= 100_000 ? size : undefined;
  return { tagChoices, expectedSize };
}
