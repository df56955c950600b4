#!/usr/bin/env node
import { SIM_FLEET_OPTIONS, intArg, parseCliOrExit, previousFleet, runSimulator, serveFleet } from '@ensemble/testing';
import { parseArgs } from 'node:util';
import { JitsiSim } from './jitsi-sim.js';
import { startControlServer } from './control.js';

const USAGE =
  'usage: jitsi-sim --nodes N [--control-port P] [--out nodes.json] [--keep] [--id-prefix jitsi]\n' +
  '  --keep  reuse the ports of the nodes already listed in --out (a restart keeps the fleet)\n' +
  '  env JITSI_APP_ID / JITSI_APP_SECRET: when both are set, join links must carry a valid token';

function parse(argv: string[]) {
  const { values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options: SIM_FLEET_OPTIONS });
  const prefix = values['id-prefix'] ?? 'jitsi';
  if (!/^[a-z0-9][a-z0-9-]{0,40}$/.test(prefix)) throw new Error('--id-prefix must be a lower-case slug');
  return {
    help: values.help === true,
    nodes: intArg('nodes', values.nodes, 1, 1000) ?? 1,
    controlPort: intArg('control-port', values['control-port'], 0, 65535),
    out: values.out,
    idPrefix: prefix,
    keep: values.keep === true,
  };
}

async function main(): Promise<void> {
  const args = parseCliOrExit('jitsi-sim', USAGE, () => parse(process.argv.slice(2)));
  if (!args) return;
  const { JITSI_APP_ID: appId, JITSI_APP_SECRET: appSecret } = process.env;
  const kept = args.keep && args.out ? await previousFleet(args.out, args.nodes) : undefined;
  const sim = await JitsiSim.start({
    nodes: args.nodes,
    idPrefix: args.idPrefix,
    ...(kept ? { ports: kept.map((n) => n.port) } : {}),
    ...(appId && appSecret ? { app: { appId, appSecret } } : {}),
  });
  const { controlPort } = args;
  await serveFleet({
    name: 'jitsi-sim',
    nodes: sim.nodes.map((n) => ({ id: n.id, url: n.baseUrl, instance: n.instance })),
    out: args.out,
    control: controlPort !== undefined ? () => startControlServer(sim, controlPort) : undefined,
    stop: () => sim.stop(),
  });
}

runSimulator('jitsi-sim', main);
