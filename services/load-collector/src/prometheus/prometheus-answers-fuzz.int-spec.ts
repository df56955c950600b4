import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as fc from 'fast-check';
import { loadSampleSchema } from '@ensemble/contracts';
import { samplesFromReadings, type JitsiReadings } from './jitsi-readings.js';
import { PrometheusClient, PrometheusQueryError, type VectorSample } from './prometheus.client.js';

/** What the stand-in Prometheus answers next: a status and a body, sent as they are. */
interface Answer {
  status: number;
  body: string | Buffer;
}

/** A real HTTP server on loopback answering every query with the answer the property gave it. */
async function hostilePrometheus() {
  let next: Answer = { status: 200, body: '' };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(next.status, { 'content-type': 'application/json' }).end(next.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    answer: (a: Answer) => void (next = a),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const REASONS = ['timeout', 'network', 'http', 'too-large', 'bad-json', 'query-error', 'aborted'];

const instance = fc.oneof(
  fc.constantFrom('meet1.example.org:9100', 'meet1.example.org:9888', 'meet2.example.org:9100', '[::1]:9100', ''),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);
/** Prometheus sends sample values as strings: hostile ones included. */
const value = fc.oneof(
  fc.double().map(String),
  fc.integer().map(String),
  fc.constantFrom('NaN', '+Inf', '-Inf', 'Infinity', '', ' ', '1e400', '-1e400', '-0', '0x1F', 'abc', '1,5', '0.42'),
);
const series = fc.record({
  metric: fc.oneof(
    fc.record({ instance }),
    fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), { maxKeys: 4 }),
  ),
  value: fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), value),
});
/** Duplicate series on purpose: the same instance twice with other values. */
const vector = fc
  .array(series, { maxLength: 12 })
  .chain((s) => fc.constantFrom(s, [...s, ...s.map((x) => ({ ...x, value: [x.value[0], '0.99'] }))]))
  .map((result) => ({ status: 'success', data: { resultType: 'vector', result } }));

const wrongShape = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record({ status: fc.constantFrom('success', 'error', 'weird'), data: fc.jsonValue({ maxDepth: 3 }) }),
  fc
    .tuple(vector, fc.constantFrom('matrix', 'scalar', 'string'))
    .map(([v, resultType]) => ({ ...v, data: { ...v.data, resultType } })),
  fc.constantFrom(
    { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1] }] } },
    { status: 'success', data: { resultType: 'vector', result: [{ metric: { instance: 7 }, value: [1, '1'] }] } },
    { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: ['1', 1] }] } },
    { status: 'success', data: { resultType: 'vector', result: {} } },
    { status: 'success', data: null },
    { status: 'error', errorType: 'bad_data', error: 'parse error at char 3' },
    { status: 'error', errorType: 'x'.repeat(5000), error: 'y' },
  ),
);

/** Over the client's 4 MiB cap, and a vector with more series than it accepts. */
const HUGE = Buffer.alloc(5 * 1024 * 1024, 'x');
const MANY = JSON.stringify({
  status: 'success',
  data: {
    resultType: 'vector',
    result: Array.from({ length: 100_001 }, () => ({ metric: {}, value: [1, '1'] })),
  },
});

const answer: fc.Arbitrary<Answer> = fc.oneof(
  { weight: 4, arbitrary: vector.map((v) => ({ status: 200, body: JSON.stringify(v) })) },
  { weight: 3, arbitrary: wrongShape.map((v) => ({ status: 200, body: JSON.stringify(v) ?? '' })) },
  {
    weight: 3,
    // Truncated anywhere: a connection cut or a proxy's partial answer.
    arbitrary: vector
      .map((v) => JSON.stringify(v))
      .chain((text) => fc.nat({ max: text.length }).map((cut) => ({ status: 200, body: text.slice(0, cut) }))),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 300 }).map((body) => ({ status: 200, body })) },
  {
    weight: 2,
    arbitrary: fc.record({
      status: fc.constantFrom(400, 422, 500, 503, 302, 204),
      body: fc.oneof(
        fc.string({ maxLength: 100 }),
        wrongShape.map((v) => JSON.stringify(v) ?? ''),
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      { status: 200, body: HUGE },
      { status: 200, body: MANY },
      // An own `__proto__` label (JSON.parse makes one): must not reach any object's prototype.
      {
        status: 200,
        body: '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__proto__":"x","instance":"a:1"},"value":[1,"0.3"]}]}}',
      },
    ),
  },
);

/** Readings, each a finite number, or a PrometheusQueryError with a known reason: nothing else. */
async function readingsOrTyped(client: PrometheusClient): Promise<VectorSample[] | PrometheusQueryError> {
  try {
    const readings = await client.query('up');
    for (const r of readings) expect(Number.isFinite(r.value)).toBe(true);
    return readings;
  } catch (e) {
    expect(e).toBeInstanceOf(PrometheusQueryError);
    expect(REASONS).toContain((e as PrometheusQueryError).reason);
    return e as PrometheusQueryError;
  }
}

describe('the Prometheus client on hostile answers', () => {
  let prometheus: Awaited<ReturnType<typeof hostilePrometheus>>;
  let client: PrometheusClient;

  beforeAll(async () => {
    prometheus = await hostilePrometheus();
    client = new PrometheusClient(prometheus.url, 5000);
  });
  afterAll(async () => {
    await client.close();
    await prometheus.close();
  });

  it('answers finite readings or a typed PrometheusQueryError, whatever Prometheus sends', async () => {
    const outcomes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(answer, async (a) => {
        prometheus.answer(a);
        const r = await readingsOrTyped(client);
        outcomes.add(r instanceof PrometheusQueryError ? r.reason : 'readings');
      }),
      { numRuns: 300 },
    );
    // The generators reach both sides: readings and the typed failures of a bad answer.
    expect([...outcomes].sort()).toEqual(expect.arrayContaining(['bad-json', 'readings']));
  }, 120_000);

  it('refuses an answer over the size cap and one with too many series as typed errors', async () => {
    prometheus.answer({ status: 200, body: HUGE });
    expect(await readingsOrTyped(client)).toMatchObject({ reason: 'too-large' });
    prometheus.answer({ status: 200, body: MANY });
    expect(await readingsOrTyped(client)).toMatchObject({ reason: 'bad-json' });
  }, 30_000);

  it('drops NaN, infinite and non-decimal values, and never reads a blank value as zero', async () => {
    const result = ['NaN', '+Inf', '-Inf', '', ' ', '0x1F', '1e400', '0.5', '1e+06'].map((v, i) => ({
      metric: { instance: `n${i}:9100` },
      value: [1, v],
    }));
    prometheus.answer({
      status: 200,
      body: JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }),
    });
    expect(await readingsOrTyped(client)).toEqual([
      { labels: { instance: 'n7:9100' }, value: 0.5 },
      { labels: { instance: 'n8:9100' }, value: 1e6 },
    ]);
  });

  it('turns whatever readings it accepted into load samples the bus accepts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(vector, { minLength: 5, maxLength: 5 }), async (answers) => {
        const got: VectorSample[][] = [];
        for (const v of answers) {
          prometheus.answer({ status: 200, body: JSON.stringify(v) });
          const r = await readingsOrTyped(client);
          got.push(r instanceof PrometheusQueryError ? [] : r);
        }
        const [up, cpu, conferences, participants, largest] = got as [
          VectorSample[],
          VectorSample[],
          VectorSample[],
          VectorSample[],
          VectorSample[],
        ];
        const r: JitsiReadings = {
          up: up.flatMap((s) => (s.labels.instance ? [s.labels.instance] : [])),
          cpu,
          conferences,
          participants,
          largest,
        };
        const known = up.slice(0, 2).map((s, i) => ({ id: `jitsi-${i}`, prometheusInstance: s.labels.instance }));
        const { samples, register } = samplesFromReadings(r, known, {
          at: Date.now(),
          latencyMs: 3,
          urlTemplate: 'https://{host}/',
        });
        for (const s of samples) expect(loadSampleSchema.safeParse(s).error?.issues).toBeUndefined();
        for (const n of register) expect(n.id).toMatch(/^[a-z0-9][a-z0-9_-]{0,62}$/);
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
