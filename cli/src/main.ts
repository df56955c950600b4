#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { CliError, EXIT } from './cli-error.js';
import { auditCommand } from './commands/audit.command.js';
import { callbacksCommand } from './commands/callbacks.command.js';
import { migrateCommand } from './commands/migrate.command.js';
import { nodesCommand } from './commands/nodes.command.js';
import { operatorsCommand } from './commands/operators.command.js';
import { runsCommand, scaleOutCommand } from './commands/provision.command.js';
import { roomsCommand } from './commands/rooms.command.js';
import { statusCommand } from './commands/status.command.js';
import { tenantsCommand } from './commands/tenants.command.js';

/** `ensemble`: the operator CLI over the gateway's ops API. */
function program(): Command {
  const p = new Command('ensemble')
    .description('Ensemble operator CLI (talks to the ops API: ENSEMBLE_URL, OPS_TOKEN)')
    .version('0.1.0')
    .option('--url <url>', 'gateway URL (env ENSEMBLE_URL, default http://127.0.0.1:8080)')
    .option('--token <token>', 'the shared OPS_TOKEN or a personal operator token (env OPS_TOKEN)')
    .option('--operator <name>', 'who you are, for logs and fleet events (env ENSEMBLE_OPERATOR)')
    .option('--timeout <seconds>', 'per request', '10')
    .option('--json', 'machine-readable output')
    .showHelpAfterError()
    .exitOverride();
  for (const c of [
    nodesCommand(),
    statusCommand(),
    roomsCommand(),
    scaleOutCommand(),
    runsCommand(),
    auditCommand(),
    tenantsCommand(),
    callbacksCommand(),
    operatorsCommand(),
    migrateCommand(),
  ]) {
    p.addCommand(overrideExits(c));
  }
  return p;
}

/** Commander exits through main's handler at every level (`tenants secrets add` is three deep). */
function overrideExits(c: Command): Command {
  c.exitOverride();
  for (const sub of c.commands) overrideExits(sub);
  return c;
}

try {
  await program().parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // Help and version are exits too; usage errors were already printed by commander.
    process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else if (e instanceof CliError) {
    process.stderr.write(`ensemble: ${e.message}\n`);
    process.exitCode = e.exitCode;
  } else {
    process.stderr.write(`ensemble: ${(e as Error).message ?? String(e)}\n`);
    process.exitCode = EXIT.api;
  }
}
