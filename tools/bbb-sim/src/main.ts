#!/usr/bin/env node
import { parseCliOrExit, runUntilSignal } from '@ensemble/testing';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { BbbSim, randomSecret } from './bbb-sim.js';
import { startControlServer } from './control.js';
import { prng, realisticMeetings } from './seed-fleet.js';

const USAGE =
  'usage: bbb-sim --nodes N [--base-port P] [--control-port P] [--out nodes.json] [--keep] [--id-prefix bbb]\n' +
  '  --keep  reuse the ports and secrets of the nodes already listed in --out (a restart keeps the fleet)\n' +
  '  --seed-meetings MIN-MAX [--seed S]  start every node with realistic meetings (benchmarks)';

/** `--seed-meetings 0-50`: every node starts with that many realistic meetings. */
function range(v: string | undefined): [number, number] | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d{1,3})-(\d{1,3})$/.exec(v);
  if (!m || Number(m[1]) > Number(m[2])) throw new Error('--seed-meetings must look like MIN-MAX, e.g. 0-50');
  return [Number(m[1]), Number(m[2])];
}

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      nodes: { type: 'string' },
      'base-port': { type: 'string' },
      'control-port': { type: 'string' },
      out: { type: 'string' },
      'id-prefix': { type: 'string' },
      keep: { type: 'boolean' },
      'seed-meetings': { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const int = (name: string, v: string | undefined, min: number, max: number, dflt?: number): number | undefined => {
    if (v === undefined) return dflt;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
      throw new Error(`--${name} must be an integer in ${min}..${max}`);
    return Number(v);
  };
  return {
    help: values.help === true,
    nodes: int('nodes', values.nodes, 1, 1000, 1)!,
    basePort: int('base-port', values['base-port'], 0, 65535, 0)!,
    controlPort: int('control-port', values['control-port'], 0, 65535),
    out: values.out,
    idPrefix: values['id-prefix'] ?? 'bbb',
    keep: values.keep === true,
    seedMeetings: range(values['seed-meetings']),
    seed: int('seed', values.seed, 0, 2 ** 31, 1)!,
  };
}

async function main(): Promise<void> {
  const args = parseCliOrExit('bbb-sim', USAGE, () => parse(process.argv.slice(2)));
  if (!args) return;
  const kept = args.keep && args.out ? await previousNodes(args.out, args.nodes) : undefined;
  const sim = await BbbSim.start({
    nodes: args.nodes,
    basePort: args.basePort,
    idPrefix: args.idPrefix,
    ...(kept ? { ports: kept.ports, secrets: kept.secrets } : {}),
  });
  if (args.seedMeetings) {
    const random = prng(args.seed);
    for (const n of sim.nodes)
      n.seedMeetings(realisticMeetings(n.id, args.seedMeetings[0], args.seedMeetings[1], random));
  }
  const doc = `${JSON.stringify({ nodes: sim.nodes.map((n) => ({ id: n.id, url: n.baseUrl, secret: n.secret })) }, null, 2)}\n`;
  if (args.out) await writeFile(args.out, doc, { mode: 0o600 });
  else process.stdout.write(doc);
  // The control port opens last: once it answers, the nodes file is complete.
  const control = args.controlPort !== undefined ? await startControlServer(sim, args.controlPort) : undefined;
  runUntilSignal({ name: 'bbb-sim', ...(control ? { control } : {}), stop: () => sim.stop() });
}

/** Ports and secrets of a previous run's nodes (new nodes beyond them get fresh ones). */
async function previousNodes(file: string, count: number): Promise<{ ports: number[]; secrets: string[] } | undefined> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
  const nodes = (doc as { nodes?: Array<{ url?: unknown; secret?: unknown }> }).nodes;
  if (!Array.isArray(nodes)) return undefined;
  const ports: number[] = [];
  const secrets: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = nodes[i];
    const port = typeof n?.url === 'string' ? Number(new URL(n.url).port) : 0;
    ports.push(Number.isInteger(port) ? port : 0);
    secrets.push(typeof n?.secret === 'string' && n.secret.length >= 8 ? n.secret : randomSecret());
  }
  return { ports, secrets };
}

main().catch((e: Error) => {
  process.stderr.write(`bbb-sim: ${e.message}\n`);
  process.exit(1);
});
