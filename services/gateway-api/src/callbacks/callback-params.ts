import { escapeXml } from '@ensemble/contracts';
import { BbbParams } from '../bbb-api/bbb-params.js';
import { TOKEN_PATTERN, type CallbackSource } from './callback-token.js';

/** The create parameter an integration sends; BBB's post_publish script would call it. */
export const RECORDING_READY_PARAM = 'meta_bbb-recording-ready-url';
/**
 * What the node receives instead: kept in its metadata.xml (so the transfer brings it to
 * Ensemble) but unknown to BBB's script, so the node never calls it itself (decision 103).
 */
export const NODE_RECORDING_READY_PARAM = 'meta_ensemble-recording-ready-url';
/** That parameter as metadata.xml (and so the recordings index) names it. */
export const RECORDING_READY_META_KEY = NODE_RECORDING_READY_PARAM.slice('meta_'.length);

/** The receiver's path; a value holding it is one of Ensemble's own callback URLs. */
export const CALLBACK_PATH = '/bigbluebutton/callbacks/v1';

/**
 * The create parameters whose URL Ensemble takes over, and their names on the node. BBB
 * lowercases `meta_` names (`ParamsProcessorUtil.processMetaParam`), so those match in any
 * case; `meetingEndedURL` is an ordinary parameter, matched exactly as BBB reads it.
 */
const TAKEN_OVER: ReadonlyArray<{ source: CallbackSource; is: (name: string) => boolean; onNode?: string }> = [
  { source: 'end-callback', is: (n) => n.toLowerCase() === 'meta_endcallbackurl' },
  { source: 'meeting-ended', is: (n) => n === 'meetingEndedURL' },
  { source: 'analytics', is: (n) => n.toLowerCase() === 'meta_analytics-callback-url' },
  {
    source: 'recording-ready',
    is: (n) => n.toLowerCase() === RECORDING_READY_PARAM,
    onNode: NODE_RECORDING_READY_PARAM,
  },
];

/**
 * A create call as the node gets it (decision 113): each callback URL replaced by the one
 * `wrap` makes (an Ensemble URL the node calls, holding the integration's URL sealed), the
 * recording-ready one under Ensemble's own name. Dropped: a value sent under that name
 * itself, and a callback pointing at Ensemble's own receiver (a token of someone else's).
 */
export function withCallbacksTakenOver(
  params: BbbParams,
  wrap: (source: CallbackSource, url: string) => string,
): BbbParams {
  let changed = false;
  const out: Array<readonly [string, string]> = [];
  for (const [name, value] of params.entries) {
    if (name.toLowerCase() === NODE_RECORDING_READY_PARAM) {
      changed = true;
      continue;
    }
    const taken = TAKEN_OVER.find((t) => t.is(name));
    if (!taken || value.trim() === '') {
      out.push([name, value]);
      continue;
    }
    changed = true;
    if (value.includes(CALLBACK_PATH)) continue;
    out.push([taken.onNode ?? name, wrap(taken.source, value)]);
  }
  return changed ? BbbParams.of(out) : params;
}

const NODE_TAG = /<(\/?)ensemble-recording-ready-url>/gi;
const CALLBACK_TEXT = new RegExp(`>([^<>]*${CALLBACK_PATH}/([a-z-]+)/(${TOKEN_PATTERN}))<`, 'g');

/**
 * A node's XML (metadata of meetings and recordings) as the integration wrote it: every
 * Ensemble callback URL that `unwrap` opens shows the integration's URL again, and the
 * recording-ready one its original name. A URL `unwrap` refuses (another tenant's) stays.
 */
export function withCallbacksRestored(
  xml: string,
  unwrap: (source: string, token: string) => string | undefined,
): string {
  if (!xml.includes(CALLBACK_PATH) && !xml.includes('ensemble-recording-ready-url')) return xml;
  return xml
    .replace(CALLBACK_TEXT, (whole, _url: string, source: string, token: string) => {
      const original = unwrap(source, token);
      return original === undefined ? whole : `>${escapeXml(original)}<`;
    })
    .replace(NODE_TAG, '<$1bbb-recording-ready-url>');
}

/** The source and token of one of Ensemble's callback URLs, else undefined. */
export function callbackUrlParts(value: string): { source: string; token: string } | undefined {
  const m = new RegExp(`${CALLBACK_PATH}/([a-z-]+)/(${TOKEN_PATTERN})$`).exec(value.trim());
  return m ? { source: m[1]!, token: m[2]! } : undefined;
}
