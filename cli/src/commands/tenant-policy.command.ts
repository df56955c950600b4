import { Command } from 'commander';
import { action } from '../context.js';
import { policyOf, tenantPath } from './tenant-input.js';

/** `ensemble tenants policy`: defaults, overrides, blocks and caps of create and join parameters (decision 111). */
export function tenantPolicyCommand(): Command {
  const policy = new Command('policy').description("a tenant's parameter policy for create and join (JSON)");

  policy
    .command('show <name>')
    .description('the policy as JSON (feed it back to `policy set`)')
    .action(
      action(async (ctx, name: string) => {
        ctx.out(JSON.stringify(await ctx.api.get<unknown>(`${tenantPath(name)}/policy`), null, 2));
      }),
    );

  policy
    .command('set <name> <policy>')
    .description(
      'replace the policy: a JSON file, "-" for stdin, or inline JSON, e.g. \'{"create":{"caps":{"duration":120}}}\'',
    )
    .action(
      action(async (ctx, name: string, raw: string) => {
        const set = await ctx.api.put<unknown>(`${tenantPath(name)}/policy`, policyOf(raw));
        if (ctx.json) return ctx.out(JSON.stringify(set, null, 2));
        ctx.out(`${name}: policy set`);
      }),
    );

  return policy;
}
