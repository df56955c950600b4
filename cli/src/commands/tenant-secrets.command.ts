import { Command } from 'commander';
import type { TenantView, TenantWithNewSecret } from '@ensemble/contracts';
import { action } from '../context.js';
import { secretOf, tenantPath } from './tenant-input.js';
import { printNewSecret, secretsTable } from './tenant-print.js';

/** `ensemble tenants secrets`: rotation without downtime: add, move integrations, remove the old one. */
export function tenantSecretsCommand(): Command {
  const secrets = new Command('secrets').description("a tenant's BBB API secrets (by id; a secret is shown once)");

  secrets
    .command('list <name>')
    .description("the tenant's secrets: id, when added, from the config or stored")
    .action(
      action(async (ctx, name: string) => {
        const t = await ctx.api.get<TenantView>(tenantPath(name));
        if (ctx.json) return ctx.out(JSON.stringify(t.secrets, null, 2));
        ctx.out(secretsTable(t));
      }),
    );

  secrets
    .command('add <name>')
    .description('add a secret (both old and new work until the old one is removed); prints it once')
    .option(
      '--secret <secret>',
      'bring an existing secret (>= 16 characters; "-" reads it from stdin); default: generated',
    )
    .action(
      action(async (ctx, name: string, o: { secret?: string }) => {
        const secret = secretOf(o.secret);
        const r = await ctx.api.post<TenantWithNewSecret>(
          `${tenantPath(name)}/secrets`,
          secret !== undefined ? { secret } : {},
        );
        printNewSecret(ctx, r, `secret ${r.secret.id} added`);
      }),
    );

  secrets
    .command('remove <name> <id>')
    .description('remove a secret: calls checksummed with it are refused from now on')
    .option('--force', 'remove even the last one (the tenant is unreachable until another is added)')
    .action(
      action(async (ctx, name: string, id: string, o: { force?: boolean }) => {
        const t = await ctx.api.delete<TenantView>(
          `${tenantPath(name)}/secrets/${encodeURIComponent(id)}${o.force ? '?force=true' : ''}`,
        );
        if (ctx.json) return ctx.out(JSON.stringify(t, null, 2));
        ctx.out(`${name}: secret ${id} removed (${t.secrets.length} left)`);
      }),
    );

  return secrets;
}
