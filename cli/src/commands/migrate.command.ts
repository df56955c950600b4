import { Command } from 'commander';
import { CliError, EXIT } from '../cli-error.js';

/**
 * The imports' own entry points, one in each package that owns tables (the gateway: accounts,
 * rooms, links; the provisioner: runs, decisions). The CLI talks to the ops API and may not
 * import a service (boundaries.json: type:app depends on type:lib only), and each import needs
 * what only its service's host has: REDIS_URL and that service's DATABASE_URL. So the CLI names them.
 */
export const FROM_REDIS_COMMANDS = {
  gateway: 'node services/gateway-api/dist/migrate-from-redis.js',
  provisioner: 'node services/provisioner/dist/migrate-from-redis.js',
} as const;

/** `ensemble migrate from-redis`: says how to run the one-shot imports where their services run. */
export function migrateCommand(): Command {
  const migrate = new Command('migrate').description('moving data between versions');
  migrate
    .command('from-redis')
    .description(
      'copy accounts, rooms, links and provisioning runs of a Redis-only version into PostgreSQL (runs on the service hosts)',
    )
    .action(() => {
      throw new CliError(
        'migrate from-redis runs where the gateway and the provisioner run, each with REDIS_URL and its own DATABASE_URL set: ' +
          `${FROM_REDIS_COMMANDS.gateway} (accounts, rooms, links) and ` +
          `${FROM_REDIS_COMMANDS.provisioner} (provisioning runs, autoscale decisions), ` +
          'once each, after upgrading; idempotent',
        EXIT.usage,
      );
    });
  return migrate;
}
