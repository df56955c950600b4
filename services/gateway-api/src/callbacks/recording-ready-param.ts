import { BbbParams } from '../bbb-api/bbb-params.js';

/** The create parameter an integration sends; BBB's post_publish script would call it. */
export const RECORDING_READY_PARAM = 'meta_bbb-recording-ready-url';
/**
 * What the node receives instead: kept in its metadata.xml (so the transfer brings the
 * URL to Ensemble) but unknown to BBB's script, so the node never calls it itself.
 */
export const NODE_RECORDING_READY_PARAM = 'meta_ensemble-recording-ready-url';
/** That parameter as metadata.xml (and so the recordings index) names it. */
export const RECORDING_READY_META_KEY = NODE_RECORDING_READY_PARAM.slice('meta_'.length);

const NODE_TAG = /<(\/?)ensemble-recording-ready-url>/gi;

/**
 * A create call as the node gets it: the integration's recording-ready URL renamed.
 * A parameter sent under the node's name is dropped: only the integration's URL counts.
 */
export function withRecordingReadyTakenOver(params: BbbParams): BbbParams {
  const names = [RECORDING_READY_PARAM, NODE_RECORDING_READY_PARAM];
  const url = params.entries.find(([k]) => k.toLowerCase() === RECORDING_READY_PARAM)?.[1];
  const rest = params.entries.filter(([k]) => !names.includes(k.toLowerCase()));
  if (url === undefined && rest.length === params.entries.length) return params;
  return BbbParams.of(url === undefined ? rest : [...rest, [NODE_RECORDING_READY_PARAM, url]]);
}

/** A node's XML (metadata of meetings and recordings) with the URL under its original name. */
export function withRecordingReadyRestored(xml: string): string {
  return xml.includes('ensemble-recording-ready-url') ? xml.replace(NODE_TAG, '<$1bbb-recording-ready-url>') : xml;
}
