// The floor's back end: a bare NATS responder running one EVALSHA per request.
import { connect } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { natsConnectionOptions } from '@ensemble/shared';
import { readFileSync } from 'node:fs';

// The services' connection options (async traces off): the floor is the bare path at its fastest.
const nc = await connect(natsConnectionOptions(process.env.NATS_URL!, 'floor-responder'));
const redis = new Redis(process.env.REDIS_URL!);
const sha = (await redis.script('LOAD', readFileSync(new URL('./floor-place.lua', import.meta.url), 'utf8'))) as string;
const dec = new TextDecoder();
const enc = new TextEncoder();
nc.subscribe('floor.place', {
  queue: 'floor',
  callback: (_err, msg) => {
    const { roomKey } = JSON.parse(dec.decode(msg.data)) as { roomKey: string };
    redis.evalsha(sha, 0, roomKey, 4).then(
      (nodeId) => msg.respond(enc.encode(JSON.stringify({ ok: true, value: { nodeId } }))),
      () => msg.respond(enc.encode('{"ok":false}')),
    );
  },
});
process.on('SIGTERM', () => void nc.close().then(() => process.exit(0)));
process.stdout.write('ready\n');
