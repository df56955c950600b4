import { nodeIdSchema } from '@ensemble/contracts';

/** A stable id from a node's URL when the operator gives none: `bbb1-example-org`. */
export function nodeIdFromUrl(url: string): string {
  const u = new URL(url);
  const host = u.hostname.replace(/^www\./, '');
  const raw = `${host}${u.port ? `-${u.port}` : ''}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return nodeIdSchema.parse(raw || 'node');
}
