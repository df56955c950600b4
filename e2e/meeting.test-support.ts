import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, signUp } from './rooms.test-support.js';

/** What a broken node answers instead of BBB's `<response>`. */
export type BadAnswer = 'garbage' | 'html' | 'no-returncode' | 'oversize';

/** Bigger than the gateway's 16 MiB cap on a node answer. */
const OVERSIZE_BYTES = 17 * 1024 * 1024;

/**
 * A stand-in BBB node: forwards every call, byte for byte, to a real simulated
 * node (so checksums and meetings are the sim's), except that while `bad` is set
 * it answers API calls (not the root) with that broken answer instead.
 */
export class FlakyNode {
  bad: BadAnswer | undefined;
  private constructor(
    private readonly server: Server,
    private readonly target: string,
  ) {}

  /** `target`: the sim node's origin (`http://127.0.0.1:port`). */
  static async start(target: string): Promise<FlakyNode> {
    let node: FlakyNode | undefined;
    const server = createServer((req, res) => void node!.serve(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    node = new FlakyNode(server, target);
    return node;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/bigbluebutton/`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on('error', () => undefined); // the gateway hangs up on an oversize answer
    const call = /^\/bigbluebutton\/api\/(\w+)/.exec(req.url ?? '')?.[1];
    if (this.bad && call) return this.answerBadly(this.bad, res);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const upstream = await fetch(`${this.target}${req.url}`, {
      method: req.method ?? 'GET',
      redirect: 'manual',
      ...(body ? { body, headers: { 'content-type': req.headers['content-type'] ?? 'application/xml' } } : {}),
    });
    const headers: Record<string, string> = { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' };
    const location = upstream.headers.get('location');
    if (location) headers['location'] = location;
    res.writeHead(upstream.status, headers).end(Buffer.from(await upstream.arrayBuffer()));
  }

  private answerBadly(bad: BadAnswer, res: ServerResponse): void {
    if (bad === 'garbage') return void res.writeHead(200, { 'content-type': 'text/xml' }).end('\u0000<<not xml>>');
    if (bad === 'html') {
      return void res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!DOCTYPE html><html><body>502</body></html>');
    }
    if (bad === 'no-returncode') {
      return void res
        .writeHead(200, { 'content-type': 'text/xml' })
        .end('<response><running>true</running></response>');
    }
    // Well-formed up to the cap and beyond: only the size is wrong.
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.write('<response>\n<returncode>SUCCESS</returncode>\n<filler>');
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    let sent = 0;
    const more = (): void => {
      while (sent < OVERSIZE_BYTES) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', more);
      }
      res.end('</filler>\n</response>');
    };
    more();
  }
}

interface Room {
  id: string;
  moderatorLink: string;
  participantLink: string;
}

/** A person with a BBB room on the gateway, and joins of its links as anyone would. */
export async function webRoom(gatewayUrl: string, name = 'Room') {
  const owner: Client = await signUp(gatewayUrl, 'Owner');
  const r = await owner.json('POST', '/api/rooms', { name, engine: 'bbb' });
  if (r.status !== 201) throw new Error(`create room: ${r.status} ${JSON.stringify(r.body)}`);
  const room = r.body as Room;
  const join = (link: string, displayName: string) =>
    new Client(gatewayUrl).json('POST', `/api/join/${link.split('/j/')[1]!}`, { displayName });
  return {
    room,
    roomKey: `web-${room.id}`,
    joinAsModerator: (displayName = 'Host') => join(room.moderatorLink, displayName),
    joinAsParticipant: (displayName = 'Guest') => join(room.participantLink, displayName),
  };
}

/** Opens a join URL as a browser would (the node's 302, then its client page), so the meeting runs. */
export async function enter(joinUrl: string): Promise<void> {
  const res = await fetch(joinUrl, { redirect: 'manual' });
  await res.arrayBuffer();
  if (res.status !== 302) throw new Error(`join URL answered ${res.status}`);
  const client = await fetch(res.headers.get('location')!);
  await client.arrayBuffer();
  if (client.status !== 200) throw new Error(`client page answered ${client.status}`);
}
