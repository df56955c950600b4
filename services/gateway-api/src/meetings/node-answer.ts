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
