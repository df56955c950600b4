#!/usr/bin/env node
import { SIM_FLEET_OPTIONS, intArg, parseCliOrExit, previousFleet, runSimulator, serveFleet } from '@ensemble/testing';
import { parseArgs } from 'node:util';
import { BbbSim, randomSecret } from './bbb-sim.js';
import { startControlServer } from './control.js';
import { prng, realisticMeetings } from './seed-fleet.js';

const USAGE =
  'usage: bbb-sim --nodes N [--base-port P] [--control-port P] [--out nodes.json] [--keep] [--id-prefix bbb]\n' +
  '  --keep  reuse the ports and secrets of the nodes already listed in --out (a restart keeps the fleet)\n' +
  '  --seed-meetings MIN-MAX [--seed S]  start every node with realistic meetings (benchmarks)\n' +
  '  --data-dir DIR  recordings are published under DIR/<node id>/var/bigbluebutton/ as on BBB\n' +
  '  --recording-delay-ms MS  how long a recording stays processing (default 0)\n' +
  '  --post-publish-dir DIR  run DIR/*.rb after publishing, as BBB (ruby <script> -m <recordID> -f <format>)';

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
      ...SIM_FLEET_OPTIONS,
      'base-port': { type: 'string' },
      'seed-meetings': { type: 'string' },
      seed: { type: 'string' },
      'data-dir': { type: 'string' },
      'recording-delay-ms': { type: 'string' },
      'post-publish-dir': { type: 'string' },
    },
  });
  return {
    help: values.help === true,
    nodes: intArg('nodes', values.nodes, 1, 1000) ?? 1,
    basePort: intArg('base-port', values['base-port'], 0, 65535) ?? 0,
    controlPort: intArg('control-port', values['control-port'], 0, 65535),
    out: values.out,
    idPrefix: values['id-prefix'] ?? 'bbb',
    keep: values.keep === true,
    seedMeetings: range(values['seed-meetings']),
    seed: intArg('seed', values.seed, 0, 2 ** 31) ?? 1,
    recordings: {
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      processingMs: intArg('recording-delay-ms', values['recording-delay-ms'], 0, 3_600_000) ?? 0,
      ...(values['post-publish-dir'] ? { postPublishDir: values['post-publish-dir'] } : {}),
    },
  };
}

async function main(): Promise<void> {
  const args = parseCliOrExit('bbb-sim', USAGE, () => parse(process.argv.slice(2)));
  if (!args) return;
  const kept = args.keep && args.out ? await previousFleet(args.out, args.nodes) : undefined;
  const sim = await BbbSim.start({
    nodes: args.nodes,
    basePort: args.basePort,
    idPrefix: args.idPrefix,
    recordings: args.recordings,
    // A kept node keeps its secret; a missing or too short one is made anew.
    ...(kept
      ? {
          ports: kept.map((n) => n.port),
          secrets: kept.map((n) => (n.secret && n.secret.length >= 8 ? n.secret : randomSecret())),
        }
      : {}),
  });
  if (args.seedMeetings) {
    const random = prng(args.seed);
    for (const n of sim.nodes)
      n.seedMeetings(realisticMeetings(n.id, args.seedMeetings[0], args.seedMeetings[1], random));
  }
  const { controlPort } = args;
  await serveFleet({
    name: 'bbb-sim',
    nodes: sim.nodes.map((n) => ({ id: n.id, url: n.baseUrl, secret: n.secret })),
    out: args.out,
    fileMode: 0o600,
    control: controlPort !== undefined ? () => startControlServer(sim, controlPort) : undefined,
    stop: () => sim.stop(),
  });
}

runSimulator('bbb-sim', main);
