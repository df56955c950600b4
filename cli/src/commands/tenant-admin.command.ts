import { Command } from 'commander';
import { ROLE_NAMES, type AdminUserView } from '@ensemble/contracts';
import { CliError, EXIT } from '../cli-error.js';
import { action } from '../context.js';
import { tenantPath } from './tenant-input.js';

/**
 * `ensemble tenants admin <tenant> <email> [--role r]` (decision 124): gives an existing
 * account of the tenant a role (administrator by default) and approves it: how an operator
 * makes a tenant's first administrator. Audited by the gateway.
 */
export function tenantAdminCommand(): Command {
  return new Command('admin')
    .description('give an account of the tenant a role (default: administrator), approving it')
    .argument('<name>', 'the tenant')
    .argument('<email>', "the account's e-mail address (it must have signed up or in once)")
    .option('--role <role>', `one of ${ROLE_NAMES.join(', ')}`, 'administrator')
    .action(
      action(async (ctx, name: string, email: string, opts: { role: string }) => {
        if (!(ROLE_NAMES as readonly string[]).includes(opts.role)) {
          throw new CliError(`--role: one of ${ROLE_NAMES.join(', ')}`, EXIT.usage);
        }
        const user = await ctx.api.put<AdminUserView>(`${tenantPath(name)}/users/${encodeURIComponent(email)}/role`, {
          role: opts.role,
        });
        if (ctx.json) return ctx.out(JSON.stringify(user, null, 2));
        ctx.out(`${name}: ${user.email} is now ${user.role}`);
      }),
    );
}
