import type { RecordingState } from '../db/schema.js';
import type { RecordingsQuery } from '../recordings/recordings.repository.js';
import type { BbbParams } from './bbb-params.js';

/** BBB's largest page (MeetingService.getRecordings2x clamps limit to 1..100). */
export const MAX_LIMIT = 100;
const INDEX_STATES: readonly RecordingState[] = ['published', 'unpublished', 'deleted'];
/** getRecordings without `state`: BBB lists published and unpublished recordings. */
const DEFAULT_STATES: readonly RecordingState[] = ['published', 'unpublished'];

export const commaList = (v: string): string[] =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** getRecordings' filters and page, as BBB 2.6+ reads them. */
export interface RecordingsRequest {
  filter: Omit<RecordingsQuery, 'offset' | 'limit'>;
  /** Absent: no `limit`, every match is listed and `<totalElements>` is left out (as BBB). */
  page?: { offset: number; limit: number };
}

/** `meta_<name>=<value>` pairs, names lowercased as BBB's processMetaParam does. */
export function metaParams(params: BbbParams): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const [k, v] of params.entries) {
    if (k.startsWith('meta_') && k.length > 5) meta[k.slice(5).toLowerCase()] ??= v;
  }
  return meta;
}

/**
 * BBB's rules (ApiController.getRecordingsHandler, MeetingService.getRecordings2x):
 * `recordID` wins over `meetingID`, and lists the recordings whose id starts with one of its
 * values (BBB matches record ids by prefix); `state` is a list, `any` for all, default published and
 * unpublished; `limit` is clamped to 1..100 and a non-number means no paging; `offset` is
 * clamped to >= 0 and a non-number means 0. Bad paging values are never an error in BBB.
 */
export function recordingsRequest(params: BbbParams): RecordingsRequest {
  const recordIdPrefixes = commaList(params.text('recordID'));
  const meetingIds = commaList(params.text('meetingID'));
  const asked = commaList(params.text('state')).map((s) => s.toLowerCase());
  const states = asked.includes('any')
    ? undefined
    : asked.length === 0
      ? DEFAULT_STATES
      : INDEX_STATES.filter((s) => asked.includes(s));
  const meta = metaParams(params);
  const filter: RecordingsRequest['filter'] = {
    ...(recordIdPrefixes.length ? { recordIdPrefixes } : meetingIds.length ? { meetingIds } : {}),
    ...(states ? { states } : {}),
    ...(Object.keys(meta).length ? { meta } : {}),
  };
  const limit = integer(params.text('limit'));
  if (limit === undefined) return { filter };
  const offset = integer(params.text('offset')) ?? 0;
  return { filter, page: { offset: Math.max(0, offset), limit: Math.min(MAX_LIMIT, Math.max(1, limit)) } };
}

/** Java's Integer.parseInt: an optional sign and digits within 32 bits, else undefined. */
function integer(v: string): number | undefined {
  if (!/^[+-]?\d{1,10}$/.test(v)) return undefined;
  const n = Number(v);
  return n >= -(2 ** 31) && n < 2 ** 31 ? n : undefined;
}
