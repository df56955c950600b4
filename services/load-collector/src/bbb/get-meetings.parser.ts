import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import {
  DomainError,
  MAX_LISTED_MEETINGS,
  MAX_LISTED_MEETING_BYTES,
  MAX_MEETING_ID,
  unescapeXml,
} from '@ensemble/contracts';

/** A meeting the node listed: its ID and participants. */
export interface RunningMeeting {
  meetingID: string;
  participants: number;
}

/** What one node's getMeetings says, reduced to what placement needs. */
export interface MeetingCounts {
  meetings: number;
  participants: number;
  moderators: number;
  videoStreams: number;
  voiceParticipants: number;
  largestMeeting: number;
  /** Every meeting listed; absent when one had no usable ID or there were too many to send. */
  runningMeetings?: RunningMeeting[];
}

/** The node answered, but with `<returncode>FAILED</returncode>` (wrong checksum, API disabled, ...). */
export class BbbFailedError extends DomainError {
  constructor(
    readonly messageKey: string,
    message: string,
  ) {
    super('unavailable', `getMeetings FAILED: ${messageKey}${message ? ` (${message})` : ''}`);
    this.name = 'BbbFailedError';
  }
}

/** The body is not a getMeetings response we can trust: broken XML, wrong shape or absurd numbers. */
export class BbbParseError extends DomainError {
  constructor(readonly problem: string) {
    super('invalid-input', `getMeetings response unusable: ${problem}`);
    this.name = 'BbbParseError';
  }
}

/** BBB caps a meeting at a few thousand users; anything far above is a broken or hostile server. */
const MAX_PER_MEETING = 100_000;
/** The load-sample contract's bound on every count. */
const MAX_TOTAL = 1_000_000;

// Values stay strings (parseTagValue: false) and are coerced here, so "1e3", "0x10",
// "-1", "NaN" or " 3" never turn into numbers by accident.
const count = z
  .string()
  .regex(/^\d{1,9}$/, 'expected a non-negative integer')
  .transform(Number)
  .pipe(z.number().max(MAX_PER_MEETING, `more than ${MAX_PER_MEETING}`));
// Fields BBB has carried since 2.x; an older server that leaves them out counts as 0.
const optionalCount = count.optional().transform((n) => n ?? 0);

const meetingSchema = z.object({
  participantCount: count,
  moderatorCount: count,
  videoCount: optionalCount,
  voiceParticipantCount: optionalCount,
});

// `<meetings/>` and `<meetings>\n</meetings>` both parse to ''.
const meetingsSchema = z.preprocess(
  (v) => (v === '' ? { meeting: [] } : v),
  z.object({ meeting: z.array(meetingSchema).max(MAX_PER_MEETING) }),
);

const responseSchema = z.discriminatedUnion('returncode', [
  z.object({ returncode: z.literal('SUCCESS'), meetings: meetingsSchema }),
  z.object({
    returncode: z.literal('FAILED'),
    messageKey: z.string().max(200).default('unknown'),
    message: z.string().default(''),
  }),
]);

const documentSchema = z.object({ response: responseSchema });

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // No DOCTYPE entity expansion (billion laughs); BBB never sends a DOCTYPE.
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: 32,
  isArray: (name) => name === 'meeting',
});

const OPEN = '<attendees>';
const CLOSE = '</attendees>';

/**
 * Cuts every `<attendees>...</attendees>` block out of the body before parsing: the
 * per-user lists are most of a busy node's answer (tens of kB per meeting) and
 * placement needs only the counts BBB already gives per meeting. An unclosed block
 * is left in place, so a truncated body still fails validation.
 */
export function dropAttendees(xml: string): string {
  let from = xml.indexOf(OPEN);
  if (from < 0) return xml;
  const parts: string[] = [];
  let kept = 0;
  while (from >= 0) {
    const end = xml.indexOf(CLOSE, from + OPEN.length);
    if (end < 0) break;
    parts.push(xml.slice(kept, from), '<attendees/>');
    kept = end + CLOSE.length;
    from = xml.indexOf(OPEN, kept);
  }
  parts.push(xml.slice(kept));
  return parts.join('');
}

const COUNT_TAGS = ['participantCount', 'moderatorCount', 'videoCount', 'voiceParticipantCount'] as const;
// An escaped ID is at most 6 characters per character (&quot;); longer ones are dropped (the list with them).
const MEETING_ID = new RegExp(`<meetingID>([^<]{1,${MAX_MEETING_ID * 6}})</meetingID>`);
// A meeting ends at the `</meeting>` followed by the next meeting or the list's end: a
// metadata key named `meeting` (`meta_meeting=...` on create) renders a `</meeting>`
// inside the block, which must not cut it short.
const MEETING = /<meeting>([\s\S]*?)<\/meeting>(?=\s*(?:<meeting>|<\/meetings>))/g;
const COUNT = Object.fromEntries(COUNT_TAGS.map((t) => [t, new RegExp(`<${t}>[^<]{0,32}</${t}>`)])) as Record<
  (typeof COUNT_TAGS)[number],
  RegExp
>;

/**
 * Keeps, of each complete `<meeting>`, only the counts placement reads, so the XML
 * parser builds a few nodes per meeting instead of dozens (a busy node's answer is
 * mostly names, passwords and metadata). A meeting cut short is left whole, so a
 * truncated body still fails validation; a missing count fails the schema. Each
 * meeting's raw (still escaped) ID goes to `ids`, in order, without costing the
 * parser a node: '' when it has none.
 */
export function slimMeetings(xml: string, ids: string[] = []): string {
  return xml.replace(MEETING, (_whole, body: string) => {
    ids.push(MEETING_ID.exec(body)?.[1] ?? '');
    let kept = '<meeting>';
    for (const tag of COUNT_TAGS) kept += COUNT[tag].exec(body)?.[0] ?? '';
    return `${kept}</meeting>`;
  });
}

/**
 * Parses a getMeetings body. Throws only `BbbFailedError` (the node said FAILED)
 * or `BbbParseError` (anything else wrong with the body).
 */
export function parseGetMeetings(xml: string): MeetingCounts {
  let doc: unknown;
  const ids: string[] = [];
  try {
    // `true` runs the validator first: truncated or non-XML bodies fail here.
    doc = parser.parse(slimMeetings(dropAttendees(xml), ids), true);
  } catch (e) {
    throw new BbbParseError(`not well-formed XML: ${firstLine(e)}`);
  }
  const parsed = documentSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BbbParseError(`${issue?.path.join('.') || 'document'}: ${issue?.message ?? 'unexpected shape'}`);
  }
  const response = parsed.data.response;
  if (response.returncode === 'FAILED') throw new BbbFailedError(response.messageKey, response.message);
  return reduce(response.meetings.meeting, ids);
}

function reduce(meetings: ReadonlyArray<z.output<typeof meetingSchema>>, ids: readonly string[]): MeetingCounts {
  const counts: MeetingCounts = {
    meetings: meetings.length,
    participants: 0,
    moderators: 0,
    videoStreams: 0,
    voiceParticipants: 0,
    largestMeeting: 0,
  };
  for (const m of meetings) {
    counts.participants += m.participantCount;
    counts.moderators += m.moderatorCount;
    counts.videoStreams += m.videoCount;
    counts.voiceParticipants += m.voiceParticipantCount;
    counts.largestMeeting = Math.max(counts.largestMeeting, m.participantCount);
  }
  for (const [name, value] of Object.entries(counts)) {
    if (value > MAX_TOTAL) throw new BbbParseError(`${name} totals ${value}, more than ${MAX_TOTAL}`);
  }
  const running = runningMeetings(meetings, ids);
  return running ? { ...counts, runningMeetings: running } : counts;
}

/**
 * The list of meetings, whole or not at all: a room missing from it would be taken for
 * ended. `ids` line up with the parsed meetings when both come from the same complete blocks.
 */
function runningMeetings(
  meetings: ReadonlyArray<z.output<typeof meetingSchema>>,
  ids: readonly string[],
): RunningMeeting[] | undefined {
  if (meetings.length > MAX_LISTED_MEETINGS || ids.length !== meetings.length) return undefined;
  const list: RunningMeeting[] = [];
  let bytes = 0;
  for (const [i, m] of meetings.entries()) {
    const id = unescapeXml(ids[i]!);
    bytes += Buffer.byteLength(id, 'utf8') + 32;
    if (id === '' || id.length > MAX_MEETING_ID || bytes > MAX_LISTED_MEETING_BYTES) return undefined;
    list.push({ meetingID: id, participants: m.participantCount });
  }
  return list;
}

function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return (message.split('\n')[0] ?? '').slice(0, 160);
}
