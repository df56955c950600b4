import { DomainError } from '@ensemble/contracts';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';

/** What the index takes from a format's metadata.xml (BBB's publish step writes it). */
export interface RecordingMetadata {
  recordId: string;
  meetingId: string;
  internalMeetingId: string;
  name: string;
  published: boolean;
  startTime: number;
  endTime: number;
  participants: number;
  /** <meta> without BBB's own keys (isBreakout, meetingId, meetingName): the create call's meta_*. */
  metadata: Record<string, string>;
  playback: { format: string; linkPath: string; processingTimeMs: number; lengthMs: number; sizeBytes: number };
}

/** Keys BBB writes into <meta> itself; getRecordings shows them, but they are not meta_* parameters. */
const BBB_META = new Set(['isBreakout', 'meetingId', 'meetingName']);
export const MAX_METADATA_BYTES = 1024 * 1024;

const parser = new XMLParser({
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  processEntities: true,
  trimValues: true,
});

const ms = z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const text = z.string().max(4096);
const schema = z.object({
  recording: z.object({
    id: text.min(1),
    state: text.optional(),
    published: z.enum(['true', 'false']).optional(),
    start_time: ms,
    end_time: ms,
    participants: ms.optional(),
    meeting: z.object({ '@id': text.min(1), '@externalId': text, '@name': text }),
    meta: z.union([z.record(z.string(), z.unknown()), z.literal('')]).optional(),
    playback: z.object({
      format: text.min(1),
      link: text.optional(),
      processing_time: ms.optional(),
      duration: ms.optional(),
      size: ms.optional(),
    }),
  }),
});

const linkPath = (link: string | undefined): string => {
  if (!link) return '';
  try {
    return new URL(link, 'http://x').pathname;
  } catch {
    return '';
  }
};

/** Parses metadata.xml, or a typed 400 saying what is wrong with it. */
export function parseRecordingMetadata(xml: string): RecordingMetadata {
  if (XMLValidator.validate(xml) !== true) throw new DomainError('invalid-input', 'metadata.xml: not well-formed XML');
  const r = schema.safeParse(parser.parse(xml));
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new DomainError('invalid-input', `metadata.xml: ${issue?.path.join('.')}: ${issue?.message ?? 'invalid'}`);
  }
  const x = r.data.recording;
  const meta = Object.entries(typeof x.meta === 'object' ? x.meta : {})
    .filter(([k, v]) => !BBB_META.has(k) && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'))
    .map(([k, v]) => [k, String(v)] as const);
  return {
    recordId: x.id,
    meetingId: x.meeting['@externalId'],
    internalMeetingId: x.meeting['@id'],
    name: x.meeting['@name'],
    published: (x.published ?? (x.state === 'published' ? 'true' : 'false')) === 'true',
    startTime: x.start_time,
    endTime: x.end_time,
    participants: x.participants ?? 0,
    metadata: Object.fromEntries(meta),
    playback: {
      format: x.playback.format,
      linkPath: linkPath(x.playback.link),
      processingTimeMs: x.playback.processing_time ?? 0,
      lengthMs: x.playback.duration ?? Math.max(0, x.end_time - x.start_time),
      sizeBytes: x.playback.size ?? 0,
    },
  };
}
