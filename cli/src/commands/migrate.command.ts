import { Command } from 'commander';
import { CliError, EXIT } from '../cli-error.js';

/**
 * The import's own entry point, in the gateway package. The CLI talks to the ops API and may
 * not import a service (boundaries.json: type:app depends on type:lib only), and the import
 * needs what only the gateway's host has: REDIS_URL and DATABASE_URL. So the CLI names it.
 */
export const FROM_REDIS_COMMAND = 'node services/gateway-api/dist/migrate-from-redis.js';

/** `ensemble migrate from-redis`: says how to run the one-shot import where the gateway runs. */
export function migrateCommand(): Command {
  const migrate = new Command('migrate').description('moving data between versions');
  migrate
    .command('from-redis')
    .description('copy accounts, rooms and links of a Redis-only version into PostgreSQL (runs on the gateway host)')
    .action(() => {
      throw new CliError(
        'migrate from-redis runs where the gateway runs, with its REDIS_URL and DATABASE_URL set: ' +
          `${FROM_REDIS_COMMAND} (once, after upgrading; idempotent)`,
        EXIT.usage,
      );
    });
  return migrate;
}
