import { Command } from 'commander';
import type { TenantIdentityView } from '@ensemble/contracts';
import { CliError, EXIT } from '../cli-error.js';
import { action, type Context } from '../context.js';
import { table } from '../table.js';
import { secretOf, tags, tenantPath } from './tenant-input.js';

/** `staff=user,it=administrator` -> { staff: 'user', it: 'administrator' } (the gateway checks the role names). */
const roleMap = (v: string): Record<string, string> => {
  const map: Record<string, string> = {};
  for (const pair of v.split(',').filter(Boolean)) {
    const eq = pair.lastIndexOf('=');
    if (eq <= 0) throw new CliError(`--role-map: value=role pairs, not ${pair}`, EXIT.usage);
    map[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return map;
};

function printIdentity(ctx: Context, i: TenantIdentityView): void {
  if (ctx.json) return ctx.out(JSON.stringify(i, null, 2));
  const rows: [string, string][] = [
    ['tenant', i.tenant],
    ['issuer', i.issuer],
    ['client id', i.clientId],
    ['client secret', 'set (never shown)'],
    ['button', `Sign in with ${i.displayName}`],
    ['e-mail domains', i.allowedEmailDomains.join(',') || 'any'],
    ['role claim', i.roleClaim ?? '- (everyone is a user)'],
    [
      'role map',
      Object.entries(i.roleMapping)
        .map(([k, v]) => `${k}=${v}`)
        .join(',') || '-',
    ],
    ['local accounts', i.localAccountsEnabled ? 'enabled' : 'disabled'],
  ];
  ctx.out(table(['FIELD', 'VALUE'], rows).split('\n').slice(1).join('\n'));
}

/** `ensemble tenants identity`: a tenant's OpenID Provider (decision 120). */
export function tenantIdentityCommand(): Command {
  const identity = new Command('identity').description("a tenant's OpenID Connect sign-in (its identity provider)");

  identity
    .command('show <name>')
    .description('the provider, client, allowed domains and role mapping (never the client secret)')
    .action(
      action(async (ctx, name: string) => {
        printIdentity(ctx, await ctx.api.get<TenantIdentityView>(`${tenantPath(name)}/identity`));
      }),
    );

  identity
    .command('set <name>')
    .description('replace the configuration (the client secret kept when not given again)')
    .requiredOption('--issuer <url>', "the provider's issuer URL (https)")
    .requiredOption('--client-id <id>', 'the client registered at the provider')
    .option('--client-secret <secret>', 'its secret; - reads it from stdin (kept out of the shell history)')
    .requiredOption('--display-name <text>', 'shown as "Sign in with <text>"')
    .option('--domains <domains>', 'allowed e-mail domains, comma separated (default: any)', tags)
    .option('--role-claim <claim>', 'the ID token claim whose values map to roles (e.g. groups)')
    .option('--role-map <pairs>', 'claim value=role pairs, comma separated (administrator, user, guest)', roleMap)
    .option('--no-local-accounts', 'switch password sign-up and sign-in off for this tenant')
    .action(
      action(
        async (
          ctx,
          name: string,
          o: {
            issuer: string;
            clientId: string;
            clientSecret?: string;
            displayName: string;
            domains?: string[];
            roleClaim?: string;
            roleMap?: Record<string, string>;
            localAccounts: boolean;
          },
        ) => {
          const secret = secretOf(o.clientSecret);
          const set = await ctx.api.put<TenantIdentityView>(`${tenantPath(name)}/identity`, {
            issuer: o.issuer,
            clientId: o.clientId,
            ...(secret !== undefined ? { clientSecret: secret } : {}),
            displayName: o.displayName,
            allowedEmailDomains: o.domains ?? [],
            roleClaim: o.roleClaim ?? null,
            roleMapping: o.roleMap ?? {},
            localAccountsEnabled: o.localAccounts,
          });
          printIdentity(ctx, set);
        },
      ),
    );

  identity
    .command('remove <name>')
    .description('end sign-in with the provider (its accounts stay)')
    .action(
      action(async (ctx, name: string) => {
        const r = await ctx.api.delete<unknown>(`${tenantPath(name)}/identity`);
        if (ctx.json) return ctx.out(JSON.stringify(r, null, 2));
        ctx.out(`${name}: identity provider removed`);
      }),
    );

  return identity;
}
