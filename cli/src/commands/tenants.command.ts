import { Command } from 'commander';
import { describeTenantHoldings } from '@ensemble/contracts';
import type { RemovedTenant, TenantView, TenantWithNewSecret, TenantsUsage, TenantUsage } from '@ensemble/contracts';
import { CliError, EXIT } from '../cli-error.js';
import { action, type Context } from '../context.js';
import { bytes, table } from '../table.js';
import { tenantIdentityCommand } from './tenant-identity.command.js';
import { tenantAdminCommand } from './tenant-admin.command.js';
import { tenantPolicyCommand } from './tenant-policy.command.js';
import { tenantSecretsCommand } from './tenant-secrets.command.js';
import { protection, quota, secretOf, tags, tenantPath, weight } from './tenant-input.js';
import { printNewSecret, secretsTable } from './tenant-print.js';

const limit = (q: number | null) => (q === null ? '-' : q);
const yesNo = (b: boolean) => (b ? 'yes' : 'no');
/** Its own choice, or the default and what that is now (RECORDINGS_PROTECTED). */
const protectedText = (t: TenantView) =>
  t.recordingsProtected === null ? `default (${yesNo(t.recordingsProtectedEffective)})` : yesNo(t.recordingsProtected);
const warn = (text: string) => void process.stderr.write(`${text}\n`);

function printTenant(ctx: Context, t: TenantView): void {
  if (ctx.json) return ctx.out(JSON.stringify(t, null, 2));
  const fields: [string, string | number][] = [
    ['name', t.name],
    ['display name', t.displayName || '-'],
    ['required tags', t.requiredTags.join(',') || '-'],
    ['load weight', t.loadWeight],
    ['max meetings', limit(t.maxMeetings)],
    ['max participants', limit(t.maxParticipants)],
    ['recordings protected', protectedText(t)],
    ['policy', Object.keys(t.policy).length ? JSON.stringify(t.policy) : '-'],
  ];
  ctx.out(table(['FIELD', 'VALUE'], fields).split('\n').slice(1).join('\n'));
  ctx.out('');
  ctx.out(secretsTable(t));
}

const usageRow = (u: TenantUsage) => [
  u.name,
  u.meetings ?? '?',
  limit(u.maxMeetings),
  u.participants ?? '?',
  limit(u.maxParticipants),
  u.recordings,
  bytes(u.storageBytes),
];

interface FieldOptions {
  displayName?: string;
  tags?: string[];
  weight?: number;
  maxMeetings?: number | 'none';
  maxParticipants?: number | 'none';
  recordingsProtected?: boolean | 'default';
}

const quotaOf = (q: number | 'none') => (q === 'none' ? null : q);

const fieldsOf = (o: FieldOptions) => ({
  ...(o.displayName !== undefined ? { displayName: o.displayName } : {}),
  ...(o.tags !== undefined ? { requiredTags: o.tags } : {}),
  ...(o.weight !== undefined ? { loadWeight: o.weight } : {}),
  ...(o.maxMeetings !== undefined ? { maxMeetings: quotaOf(o.maxMeetings) } : {}),
  ...(o.maxParticipants !== undefined ? { maxParticipants: quotaOf(o.maxParticipants) } : {}),
  ...(o.recordingsProtected !== undefined
    ? { recordingsProtected: o.recordingsProtected === 'default' ? null : o.recordingsProtected }
    : {}),
});

const withFieldOptions = (c: Command) =>
  c
    .option('--display-name <text>', 'a name for people')
    .option('--tags <tags>', 'node tags its meetings require, comma separated ("" for none)', tags)
    .option('--weight <n>', 'load weight of its meetings (1: as any other)', weight)
    .option('--max-meetings <n>', 'concurrent meetings quota (none: no quota)', quota)
    .option('--max-participants <n>', 'concurrent participants quota (none: no quota)', quota)
    .option(
      '--recordings-protected <choice>',
      'playback links signed, short-lived, bound to who got them: true, false, or default (RECORDINGS_PROTECTED)',
      protection,
    );

/** `ensemble tenants`: the institutions one fleet serves (decision 114). */
export function tenantsCommand(): Command {
  const tenants = new Command('tenants').description('tenants: their secrets, rules, quotas, policy and usage');

  tenants
    .command('list')
    .description('every tenant: secrets, load weight, quotas, required tags')
    .action(
      action(async (ctx) => {
        const { tenants: all } = await ctx.api.get<{ tenants: TenantView[] }>('/api/ops/tenants');
        if (ctx.json) return ctx.out(JSON.stringify(all, null, 2));
        ctx.out(
          table(
            ['NAME', 'DISPLAY', 'SECRETS', 'WEIGHT', 'MAX-MEETINGS', 'MAX-PARTICIPANTS', 'TAGS'],
            all.map((t) => [
              t.name,
              t.displayName || '-',
              t.secrets.length,
              t.loadWeight,
              limit(t.maxMeetings),
              limit(t.maxParticipants),
              t.requiredTags.join(',') || '-',
            ]),
          ),
        );
      }),
    );

  tenants
    .command('show <name>')
    .description('one tenant: rules, quotas, recordings protection, policy, secret ids')
    .action(action(async (ctx, name: string) => printTenant(ctx, await ctx.api.get<TenantView>(tenantPath(name)))));

  withFieldOptions(tenants.command('add <name>'))
    .description(
      'add a tenant (a DNS label: <name>.<base domain>, /t/<name>/bigbluebutton/api); prints its secret once',
    )
    .option(
      '--secret <secret>',
      'bring an existing secret (>= 16 characters; "-" reads it from stdin); default: generated',
    )
    .action(
      action(async (ctx, name: string, o: FieldOptions & { secret?: string }) => {
        const secret = secretOf(o.secret);
        const body = { name, ...fieldsOf(o), ...(secret !== undefined ? { secret } : {}) };
        printNewSecret(ctx, await ctx.api.post<TenantWithNewSecret>('/api/ops/tenants', body), 'added');
      }),
    );

  withFieldOptions(tenants.command('update <name>'))
    .description('change display name, required tags, load weight, quotas or recordings protection')
    .action(
      action(async (ctx, name: string, o: FieldOptions) => {
        const body = fieldsOf(o);
        if (Object.keys(body).length === 0) {
          throw new CliError(
            'nothing to update: give --display-name, --tags, --weight, --max-meetings, --max-participants or --recordings-protected',
            EXIT.usage,
          );
        }
        const t = await ctx.api.patch<TenantView>(tenantPath(name), body);
        if (ctx.json) return ctx.out(JSON.stringify(t, null, 2));
        ctx.out(`${name}: updated`);
      }),
    );

  tenants
    .command('remove <name>')
    .description('remove a tenant; refused while it has running meetings, accounts or recordings')
    .option(
      '--force',
      'remove it even so, with its accounts (and their rooms) and recordings (recorded in the audit log)',
    )
    .action(
      action(async (ctx, name: string, o: { force?: boolean }) => {
        const r = await ctx.api.delete<RemovedTenant>(`${tenantPath(name)}${o.force ? '?force=true' : ''}`);
        if (ctx.json) return ctx.out(JSON.stringify(r, null, 2));
        ctx.out(`${name}: removed`);
        if (r.forced) warn(`warning: removed by force; it held ${describeTenantHoldings(r.held)}`);
      }),
    );

  tenants.addCommand(tenantSecretsCommand());
  tenants.addCommand(tenantPolicyCommand());
  tenants.addCommand(tenantIdentityCommand());
  tenants.addCommand(tenantAdminCommand());

  tenants
    .command('usage [name]')
    .description('meetings and participants now (of their quotas), recordings and their storage')
    .action(
      action(async (ctx, name: string | undefined) => {
        const rows =
          name === undefined
            ? (await ctx.api.get<TenantsUsage>('/api/ops/tenants/usage')).tenants
            : [await ctx.api.get<TenantUsage>(`${tenantPath(name)}/usage`)];
        if (ctx.json) return ctx.out(JSON.stringify(name === undefined ? { tenants: rows } : rows[0], null, 2));
        ctx.out(
          table(
            ['TENANT', 'MEETINGS', 'MAX-MEETINGS', 'PARTICIPANTS', 'MAX-PARTICIPANTS', 'RECORDINGS', 'STORAGE'],
            rows.map(usageRow),
          ),
        );
        if (rows.some((u) => u.meetings === null)) ctx.out('?: not known now (the scheduler did not answer)');
      }),
    );

  return tenants;
}
