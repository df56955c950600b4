import type { NodeReply } from '../meetings/bbb-node.client.js';
import { BBB_XML_CONTENT_TYPE as XML_CONTENT_TYPE } from '@ensemble/contracts';
import { errorXml, joinErrorLocation, type BbbErrorName } from './answer-xml.js';

/** One HTTP answer of the BBB API. */
export interface BbbAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const NO_CACHE = { 'cache-control': 'no-cache' };

export const xmlAnswer = (body: string): BbbAnswer => ({
  status: 200,
  headers: { 'content-type': XML_CONTENT_TYPE, ...NO_CACHE },
  body,
});

export const failed = (name: BbbErrorName): BbbAnswer => xmlAnswer(errorXml(name));

export const redirect = (location: string): BbbAnswer => ({
  status: 302,
  headers: { location, ...NO_CACHE },
  body: '',
});

export const joinError = (logoutUrl: string, name: BbbErrorName): BbbAnswer =>
  redirect(joinErrorLocation(logoutUrl, name));

/** A node's answer as it came: status, content type, redirect target and body. */
export function relay(reply: NodeReply): BbbAnswer {
  const headers: Record<string, string> = { 'content-type': reply.contentType || XML_CONTENT_TYPE, ...NO_CACHE };
  if (reply.location !== undefined) headers['location'] = reply.location;
  return { status: reply.status, headers, body: reply.body };
}
