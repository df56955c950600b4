/** A response body as undici gives it: chunks, and a way to stop it. */
export interface ResponseBody extends AsyncIterable<Buffer> {
  on(event: 'error', fn: () => void): unknown;
  destroy(): unknown;
}

/** Stops reading a body for good; a late socket error on it is not an uncaught one. */
export function discardBody(body: ResponseBody): void {
  body.on('error', () => undefined);
  body.destroy();
}

/**
 * A response body as UTF-8 text, read chunk by chunk, or null as soon as it passes
 * `maxBytes` (the rest is discarded): a node or Prometheus cannot make us buffer more.
 */
export async function readCappedBody(body: ResponseBody, maxBytes: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      discardBody(body);
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}
