#!/usr/bin/env node
import { parseCliOrExit, runUntilSignal } from '@ensemble/testing';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { JitsiSim } from './jitsi-sim.js';
import { startControlServer } from './control.js';

const USAGE =
  'usage: jitsi-sim --nodes N [--control-port P] [--out nodes.json] [--keep] [--id-prefix jitsi]\n' +
  '  --keep  reuse the ports of the nodes already listed in --out (a restart keeps the fleet)\n' +
  '  env JITSI_APP_ID / JITSI_APP_SECRET: when both are set, join links must carry a valid token';

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      nodes: { type: 'string' },
      'control-port': { type: 'string' },
      out: { type: 'string' },
      'id-prefix': { type: 'string' },
      keep: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  const int = (name: string, v: string | undefined, min: number, max: number): number | undefined => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
      throw new Error(`--${name} must be an integer in ${min}..${max}`);
    return Number(v);
  };
  const prefix = values['id-prefix'] ?? 'jitsi';
  if (!/^[a-z0-9][a-z0-9-]{0,40}$/.test(prefix)) throw new Error('--id-prefix must be a lower-case slug');
  return {
    help: values.help === true,
    nodes: int('nodes', values.nodes, 1, 1000) ?? 1,
    controlPort: int('control-port', values['control-port'], 0, 65535),
    out: values.out,
    idPrefix: prefix,
    keep: values.keep === true,
  };
}

async function main(): Promise<void> {
  const args = parseCliOrExit('jitsi-sim', USAGE, () => parse(process.argv.slice(2)));
  if (!args) return;
  const { JITSI_APP_ID: appId, JITSI_APP_SECRET: appSecret } = process.env;
  const ports = args.keep && args.out ? await previousPorts(args.out, args.nodes) : undefined;
  const sim = await JitsiSim.start({
    nodes: args.nodes,
    idPrefix: args.idPrefix,
    ...(ports ? { ports } : {}),
    ...(appId && appSecret ? { app: { appId, appSecret } } : {}),
  });
  const doc = `${JSON.stringify({ nodes: sim.nodes.map((n) => ({ id: n.id, url: n.baseUrl, instance: n.instance })) }, null, 2)}\n`;
  if (args.out) await writeFile(args.out, doc);
  else process.stdout.write(doc);
  // The control port opens last: once it answers, the nodes file is complete.
  const control = args.controlPort !== undefined ? await startControlServer(sim, args.controlPort) : undefined;
  runUntilSignal({ name: 'jitsi-sim', ...(control ? { control } : {}), stop: () => sim.stop() });
}

/** Ports of a previous run's nodes (nodes beyond them get free ones). */
async function previousPorts(file: string, count: number): Promise<number[] | undefined> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
  const nodes = (doc as { nodes?: Array<{ url?: unknown }> }).nodes;
  if (!Array.isArray(nodes)) return undefined;
  return Array.from({ length: count }, (_, i) => {
    const url = nodes[i]?.url;
    const port = typeof url === 'string' ? Number(new URL(url).port) : 0;
    return Number.isInteger(port) ? port : 0;
  });
}

main().catch((e: Error) => {
  process.stderr.write(`jitsi-sim: ${e.message}\n`);
  process.exit(1);
});
