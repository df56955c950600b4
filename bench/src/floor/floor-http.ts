// The floor's front end: bare node:http, one NATS request per HTTP request.
import { connect } from '@nats-io/transport-node';
import { natsConnectionOptions } from '@ensemble/shared';
import { createServer } from 'node:http';

// The services' connection options (async traces off): the floor is the bare path at its fastest.
const nc = await connect(natsConnectionOptions(process.env.NATS_URL!, 'floor-http'));
const enc = new TextEncoder();
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString() || '{"roomKey":"x"}';
    nc.request('floor.place', enc.encode(body), { timeout: 5000 }).then(
      (msg) => res.writeHead(200, { 'content-type': 'application/json' }).end(msg.data),
      () => res.writeHead(503).end(),
    );
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => server.close(() => void nc.close().then(() => process.exit(0))));
