import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** What the gateway reads of a node's XML answer; the answer itself is relayed verbatim. */
export interface NodeXml {
  returncode: 'SUCCESS' | 'FAILED';
  messageKey: string;
  /** Top-level scalar fields (`attendeePW`, `createTime`, ...), as strings. */
  fields: Record<string, string>;
}

const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: true, processEntities: true });

/** Parses a node's answer strictly: well-formed XML with a `<response>` and a returncode, else undefined. */
export function readNodeXml(body: string): NodeXml | undefined {
  if (XMLValidator.validate(body) !== true) return undefined;
  let doc: unknown;
  try {
    doc = parser.parse(body);
  } catch {
    return undefined;
  }
  const r = (doc as { response?: unknown }).response;
  if (typeof r !== 'object' || r === null) return undefined;
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(r)) if (typeof v === 'string') fields[k] = v;
  const returncode = fields['returncode'];
  if (returncode !== 'SUCCESS' && returncode !== 'FAILED') return undefined;
  return { returncode, messageKey: fields['messageKey'] ?? '', fields };
}

/** An answer's head as BBB and the gateway write it: `<response>` opening with its returncode. */
const HEAD_RETURNCODE = /^\s*(?:<\?xml[^>]*\?>\s*)?<response>\s*<returncode>(SUCCESS|FAILED)<\/returncode>/;

/**
 * The returncode of an answer, for counting it: read from its head when it opens as BBB's
 * answers do, else from a strict parse. A page of 100 recordings is ~100 KB of XML; parsing
 * it whole only for a metric label was 40% of the gateway's CPU under getRecordings.
 */
export function returncodeOf(body: string): NodeXml['returncode'] | undefined {
  const head = HEAD_RETURNCODE.exec(body)?.[1] as NodeXml['returncode'] | undefined;
  return head ?? readNodeXml(body)?.returncode;
}

/**
 * The `<name>…</name>` elements directly inside `<response><list>` of a
 * well-formed answer, verbatim (e.g. every `<meeting>` of getMeetings).
 * Undefined when the answer is not a well-formed SUCCESS.
 */
export function listItems(body: string, list: string, item: string): string[] | undefined {
  const answer = readNodeXml(body);
  if (answer?.returncode !== 'SUCCESS') return undefined;
  const open = body.indexOf(`<${list}>`);
  if (open < 0) return [];
  const close = body.lastIndexOf(`</${list}>`);
  if (close < open) return undefined;
  const inner = body.slice(open + list.length + 2, close);
  const items: string[] = [];
  const start = `<${item}>`;
  const end = `</${item}>`;
  let depth = 0;
  let from = -1;
  const tag = new RegExp(`<${item}>|</${item}>`, 'g');
  for (let m = tag.exec(inner); m; m = tag.exec(inner)) {
    if (m[0] === start) {
      if (depth === 0) from = m.index;
      depth++;
    } else if (--depth === 0) items.push(inner.slice(from, m.index + end.length));
  }
  return items;
}
