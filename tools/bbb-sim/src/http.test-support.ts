import { type ChecksumAlgorithm, signedApiUrl } from '@ensemble/shared';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { request } from 'undici';
import type { SimNode } from './sim-node.js';

/** Test helpers: a plain HTTP client and XML readers. Not part of the package build. */

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export async function get(
  url: string,
  init: { method?: 'GET' | 'POST'; body?: string; contentType?: string } = {},
): Promise<Reply> {
  const res = await request(url, {
    method: init.method ?? 'GET',
    // One connection per request: a node going down and up must not leave stale pooled sockets behind.
    reset: true,
    ...(init.body !== undefined ? { body: init.body } : {}),
    headers: init.contentType ? { 'content-type': init.contentType } : {},
  });
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
}

export const call = (
  node: SimNode,
  name: string,
  params: Record<string, string | number | boolean | undefined> = {},
  alg: ChecksumAlgorithm = 'sha256',
): Promise<Reply> => get(signedApiUrl(node.apiUrl, name, params, node.secret, alg));

const parser = new XMLParser({
  parseTagValue: false,
  ignoreAttributes: true,
  isArray: (n) => n === 'attendee' || n === 'meeting',
});
const ordered = new XMLParser({ parseTagValue: false, ignoreAttributes: true, preserveOrder: true });

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Xml = Record<string, any>;

/** Parses and returns the <response> element; fails on invalid XML. */
export function xml(body: string): Xml {
  const valid = XMLValidator.validate(body);
  if (valid !== true) throw new Error(`invalid XML: ${valid.err.msg}`);
  return (parser.parse(body) as Xml)['response'] as Xml;
}

type Node = Record<string, unknown>;
const nameOf = (n: Node) => Object.keys(n).find((k) => k !== ':@' && k !== '#text');

/** Child element names, in document order, of the element reached by `path` (e.g. ['response', 'meetings', 'meeting']). */
export function childOrder(body: string, path: string[]): string[] {
  let level = ordered.parse(body) as Node[];
  for (const step of path) {
    const hit = level.find((n) => nameOf(n) === step);
    if (!hit) throw new Error(`no <${step}> in path ${path.join('/')}`);
    level = hit[step] as Node[];
  }
  return level.map(nameOf).filter((n): n is string => n !== undefined);
}
