import { escapeXml, xmlElement as el } from '@ensemble/contracts';
import { type Recording, SIM_FORMAT } from './recording-store.js';

const XML_NAME = /^[A-Za-z_][A-Za-z0-9._-]*$/;

/**
 * The `metadata.xml` BBB's publish step leaves in `published/<format>/<recordID>/`: the
 * archive step's <recording> (id, state, times, meeting, meta) with the publish script's
 * <playback> (format, link, processing_time, duration in ms, size) and the raw size added,
 * as record-and-playback's presentation.rb and `add_*_size_to_metadata` write it.
 */
export function recordingMetadataXml(r: Recording, origin: string): string {
  const meta = {
    isBreakout: String(r.isBreakout),
    meetingId: r.meetingID,
    meetingName: r.name,
    ...r.metadata,
  };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<recording>',
    el('id', r.recordID),
    el('state', 'published'),
    el('published', true),
    el('start_time', r.startTime),
    el('end_time', r.endTime),
    el('participants', r.participants),
    `<meeting id="${escapeXml(r.internalMeetingID)}" externalId="${escapeXml(r.meetingID)}" name="${escapeXml(
      r.name,
    )}" breakout="${String(r.isBreakout)}"/>`,
    '<meta>',
    ...Object.entries(meta)
      .filter(([k]) => XML_NAME.test(k) && !/^xml/i.test(k))
      .map(([k, v]) => el(k, v)),
    '</meta>',
    '<playback>',
    el('format', SIM_FORMAT),
    el('link', `${origin}/playback/${SIM_FORMAT}/2.3/${r.recordID}`),
    el('processing_time', r.processingTime),
    el('duration', r.endTime - r.startTime),
    el('size', r.size),
    '</playback>',
    el('raw_size', r.rawSize),
    '</recording>',
    '',
  ].join('\n');
}
