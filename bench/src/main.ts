// `npm run bench [-- --quick] [-- --only join,poll,balance,recordings] [-- --traces N --first-trace S]`: figures next to a floor measured in the same run.
// `npm run bench -- --soak [--soak-minutes N]`: the soak alone (10 minutes by default; not in CI).
import { cpus, totalmem } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BALANCE_TARGET, benchBalance, summarizeBalance } from './balance.bench.js';
import { benchJoin } from './join.bench.js';
import { benchPoll } from './poll.bench.js';
import { benchRecordings } from './recordings.bench.js';
import { MemoryReport, root } from './processes.js';
import { benchSoak } from './soak.bench.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    traces: { type: 'string' },
    'first-trace': { type: 'string' },
    soak: { type: 'boolean', default: false },
    'soak-minutes': { type: 'string' },
    // Given by scripts/bench.mjs for `--baseline REF`: the ref and its built checkout.
    'baseline-ref': { type: 'string' },
    'baseline-root': { type: 'string' },
  },
});
if (values.soak) {
  const minutes = Number(values['soak-minutes'] ?? 10);
  if (!Number.isFinite(minutes) || minutes <= 0) throw new Error('--soak-minutes: expected a positive number');
  process.stdout.write(`Ensemble soak: ${minutes} min at half the maximum join rate, a fault every minute\n`);
  const soak = await benchSoak(minutes, (s) => process.stdout.write(`${s}\n`));
  process.stdout.write(`${JSON.stringify(soak, null, 2)}\n`);
  writeFileSync(`${root}bench/soak-results.json`, `${JSON.stringify(soak, null, 2)}\n`);
  const ok = soak.lostRooms === 0 && soak.noAnswer === 0;
  process.stdout.write(`\nlost rooms ${soak.lostRooms}, unanswered ${soak.noAnswer}: ${ok ? 'held' : 'FAILED'}\n`);
  process.exit(ok ? 0 : 1);
}
const quick = values.quick;
const only = values.only ? new Set(values.only.split(',')) : null;
const want = (name: string) => !only || only.has(name);
const memory = new MemoryReport();
const log = (s: string) => process.stdout.write(`${s}\n`);
const machine = {
  cores: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 1024 ** 3),
  node: process.version,
  date: new Date().toISOString(),
};
log(
  `Ensemble benchmarks (${quick ? 'quick' : 'full'}) on ${machine.cores} cores, ${machine.cpuModel}, Node ${machine.node}`,
);

const results: Record<string, unknown> = { machine, mode: quick ? 'quick' : 'full' };

if (want('join')) {
  const baseline =
    values['baseline-ref'] && values['baseline-root']
      ? { ref: values['baseline-ref'], root: values['baseline-root'] }
      : undefined;
  const join = await benchJoin(quick ? 5 : 15, memory, baseline);
  results.join = join;
  log('\n1. Join throughput and latency (64 and 1 connections; 200 rooms, sticky)');
  log('   path                          conns   req/s    p50 ms   p99 ms   errors');
  const row = (
    name: string,
    r: { requestsPerSecond: number; p50Ms: number; p99Ms: number; errors: number; non2xx: number },
    c: number,
  ) =>
    log(
      `   ${name.padEnd(30)}${String(c).padStart(5)}${String(r.requestsPerSecond).padStart(8)}${String(r.p50Ms).padStart(9)}${String(r.p99Ms).padStart(9)}${String(r.errors + r.non2xx).padStart(9)}`,
    );
  const base = join.baseline;
  for (const c of join.connections) {
    row('ops placements (gateway)', join.ensemble[c]!, c);
    if (base) row(`  at ${base.ref}`.slice(0, 29), base.ensemble[c]!, c);
    if (join.bbbJoin) row('BBB API join (gateway)', join.bbbJoin[c]!, c);
    if (join.bbbJoin && base?.bbbJoin) row(`  at ${base.ref}`.slice(0, 29), base.bbbJoin[c]!, c);
    row('floor (http+nats+evalsha)', join.floor[c]!, c);
  }
  log(
    `   placements vs floor at 64: throughput x${join.throughputRatio} (target >= 0.5), p99 x${join.p99Ratio} (target <= 2.5)`,
  );
  if (join.bbbThroughputRatio !== null)
    log(`   BBB join vs floor at 64:   throughput x${join.bbbThroughputRatio}, p99 x${join.bbbP99Ratio}`);
  if (base) {
    log(`   this version and ${base.ref} side by side, measured in ${base.rounds} alternating turns (medians)`);
    log(`   placements vs ${base.ref} at 64: throughput x${base.throughputRatio}, p99 x${base.p99Ratio}`);
    if (base.bbbThroughputRatio !== null)
      log(`   BBB join vs ${base.ref} at 64:   throughput x${base.bbbThroughputRatio}, p99 x${base.bbbP99Ratio}`);
  }
}

if (want('poll')) {
  const nodes = 1000;
  const poll = await benchPoll(nodes, quick ? 2 : 4, memory);
  results.poll = poll;
  log(
    `\n2. Poll scale: one collector, ${nodes} bbb-sim nodes, 0-50 meetings each (~${poll.payloadMiBPerCycle} MiB of XML per cycle)`,
  );
  log(
    `   cycle ${poll.cycleSeconds} s (target < 3 s); CPU ${poll.cpuSecondsPerCycle} s per cycle = ${Math.round(poll.coreShareAt30s * 1000) / 10}% of a core at a 30 s interval (target < 10%); ${poll.samplesPerCycle} samples per cycle`,
  );
}

if (want('balance')) {
  const traces = Number(values.traces ?? (quick ? 2 : 5));
  if (!Number.isInteger(traces) || traces < 1 || traces > 100)
    throw new Error('--traces: a whole number from 1 to 100');
  const first = Number(values['first-trace'] ?? 1);
  if (!Number.isInteger(first) || first < 1 || first > 1_000_000)
    throw new Error('--first-trace: a whole number from 1 to 1000000');
  const seeds = Array.from({ length: traces }, (_, i) => first + i);
  const balance = await benchBalance(seeds);
  const summary = summarizeBalance(balance);
  results.balance = { ...summary, traces: balance };
  log('\n3. Balance under burst: 20 nodes (8x1, 8x2, 4x4 units), 1,000 rooms in one poll interval, heavy-tailed sizes');
  log('   trace     strategy            max/mean   node-min >90%   peak util');
  for (const [trace, byStrategy] of Object.entries(balance)) {
    for (const [name, o] of Object.entries(byStrategy)) {
      log(
        `   ${trace.padEnd(10)}${name.padEnd(20)}${String(o.maxOverMean).padStart(8)}${String(o.nodeMinutesOver90).padStart(16)}${String(o.peakUtilisation).padStart(12)}`,
      );
    }
  }
  log(
    `   over ${traces} trace(s)       worst max/mean   mean   traces <= ${BALANCE_TARGET}   traces worse than Scalelite`,
  );
  for (const [name, o] of Object.entries(summary)) {
    log(
      `   ${name.padEnd(20)}${String(o.maxOverMean).padStart(16)}${String(o.meanMaxOverMean).padStart(7)}${String(o.tracesWithinTarget).padStart(16)}${String(o.tracesWorseThanScalelite).padStart(30)}`,
    );
  }
}

if (want('recordings')) {
  const rec = await benchRecordings(quick ? 20_000 : 100_000, quick ? 3 : 10);
  results.recordings = rec;
  log(`\nRecordings: getRecordings over ${rec.indexed} indexed recordings, beside getMeetings (same 4-node fleet)`);
  log('   call                          req/s    p50 ms   p99 ms   errors');
  for (const [name, r] of [
    ['page of 100 (offset spread)', rec.page],
    ['one meeting', rec.meeting],
    ['getMeetings', rec.getMeetings],
  ] as const) {
    log(
      `   ${name.padEnd(30)}${String(r.requestsPerSecond).padStart(5)}${String(r.p50Ms).padStart(9)}${String(r.p99Ms).padStart(9)}${String(r.errors + r.non2xx).padStart(9)}`,
    );
  }
}

if (Object.keys(memory.peaks).length > 0) results.memoryPeakRssMiB = memory.peaks;
log(
  `\n4. Peak RSS (MiB): ${Object.entries(memory.peaks)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`,
);
// With --only, the other sections of the last run stay in the file.
const file = `${root}bench/results.json`;
const previous: Record<string, unknown> =
  only && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
writeFileSync(file, `${JSON.stringify({ ...previous, ...results }, null, 2)}\n`);
log(`\nwrote bench/results.json`);
process.exit(0);
