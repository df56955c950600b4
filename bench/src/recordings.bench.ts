import { BbbSim } from '@ensemble/bbb-sim';
import { signQuery, encodeQuery } from '@ensemble/shared';
import { startNats, startPostgres, startRedis } from '@ensemble/testing';
import { Client } from 'pg';
import { drive, type LoadResult } from './load.js';
import type { BenchProcess } from './processes.js';
import { BBB_SECRET, startServices } from './service-stack.js';

const CONNECTIONS = 8;
/** Recordings per meeting in the seeded index (getRecordings of one meeting lists this many). */
const PER_MEETING = 10;

export interface RecordingsFigures {
  indexed: number;
  page: LoadResult;
  meeting: LoadResult;
  getMeetings: LoadResult;
  pageP99Ms: number;
  meetingP99Ms: number;
  getMeetingsP99Ms: number;
}

/** `total` indexed recordings as transfers leave them (one format each), in one statement each. */
const seedSql = (total: number) => `
INSERT INTO recordings (record_id, meeting_id, internal_meeting_id, name, state, starts_at, ends_at,
  participants, metadata, node_id)
SELECT md5(i::text) || substr(md5(i::text), 1, 8) || '-' || (1577836800000 + i),
  'bench-' || (i % ${Math.max(1, Math.floor(total / PER_MEETING))}),
  md5(i::text) || substr(md5(i::text), 1, 8) || '-' || (1577836800000 + i),
  'Bench ' || i, 'published', timestamp '2020-01-01' + i * interval '1 minute',
  timestamp '2020-01-01' + i * interval '1 minute' + interval '1 hour', 5,
  jsonb_build_object('bbb-origin', 'bench'), 'bench-gone'
FROM generate_series(1, ${total}) AS i;
INSERT INTO recording_formats (record_id, format, digest, prefix, size_bytes, file_count, playback_path,
  processing_time_ms, length_ms)
SELECT record_id, 'presentation', repeat('0', 64), 'recordings/' || record_id || '/presentation/' || repeat('0', 64) || '/',
  50000000, 40, '/playback/presentation/2.3/' || record_id, 60000, 3600000
FROM recordings;`;

/**
 * getRecordings from the index (decision 104): a page of 100 at offsets spread over
 * `total` indexed recordings, and one meeting's recordings, beside getMeetings on the same
 * 4-node bbb-sim fleet in the same run (every one of them also asks each node, as the
 * merge of recordings not transferred yet needs).
 */
export async function benchRecordings(total: number, durationS: number): Promise<RecordingsFigures> {
  const [nats, redis, postgres] = await Promise.all([startNats(), startRedis(), startPostgres()]);
  const sim = await BbbSim.start({ nodes: 4 });
  let procs: BenchProcess[] = [];
  try {
    const gatewayDb = await postgres.createDatabase();
    const stack = await startServices({
      natsUrl: nats.url,
      redisUrl: redis.url,
      databases: { scheduler: await postgres.createDatabase(), gateway: gatewayDb },
      sim,
    });
    procs = stack.procs;
    const { bus, gateway: gw } = stack;
    const db = new Client({ connectionString: gatewayDb });
    await db.connect();
    await db.query(seedSql(total));
    // As autovacuum keeps an index that grew over months (a table loaded a moment ago has no
    // visibility map yet, so its index-only walks would still read every row's page).
    await db.query('VACUUM ANALYZE recordings');
    await db.query('VACUUM ANALYZE recording_formats');
    await db.end();
    await bus.close();

    const signed = (call: string, q: Record<string, string>) =>
      `/bigbluebutton/api/${call}?${signQuery(call, encodeQuery(q), BBB_SECRET, 'sha256')}`;
    const spread = 100;
    const pages = Array.from({ length: spread }, (_, k) =>
      signed('getRecordings', { offset: String(Math.floor((k * total) / spread)), limit: '100' }),
    );
    const meetings = Array.from({ length: spread }, (_, k) =>
      signed('getRecordings', { meetingID: `bench-${(k * 7919) % Math.max(1, Math.floor(total / PER_MEETING))}` }),
    );
    const getMeetings = [signed('getMeetings', {})];
    const run = (paths: string[], s = durationS) =>
      drive({
        url: gw,
        connections: CONNECTIONS,
        durationS: s,
        method: 'GET',
        request: (i) => ({ path: paths[i % paths.length]! }),
      });
    await run(pages, 1); // warm-up: JIT, pools, plans
    const page = await run(pages);
    const meeting = await run(meetings);
    const getMeetingsR = await run(getMeetings);
    return {
      indexed: total,
      page,
      meeting,
      getMeetings: getMeetingsR,
      pageP99Ms: page.p99Ms,
      meetingP99Ms: meeting.p99Ms,
      getMeetingsP99Ms: getMeetingsR.p99Ms,
    };
  } finally {
    for (const p of procs) await p.stop();
    await sim.stop();
    await Promise.all([nats.stop(), redis.stop(), postgres.stop()]);
  }
}
