import type { TenantView, TenantWithNewSecret } from '@ensemble/contracts';
import type { Context } from '../context.js';
import { table } from '../table.js';

/** `2026-12-02 11:47:19`, or `-` (a config secret: when it was set is not known). */
export const when = (ms: number | null) =>
  ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

/** The secret a creating answer shows, this once, with the words that say so. */
export function printNewSecret(ctx: Context, r: TenantWithNewSecret, verb: string): void {
  if (ctx.json) return ctx.out(JSON.stringify(r, null, 2));
  ctx.out(`${r.tenant.name}: ${verb}`);
  ctx.out(`secret ${r.secret.id}: ${r.secret.secret}`);
  ctx.out(`(${r.note})`);
}

export const secretsTable = (t: TenantView) =>
  table(
    ['SECRET', 'CREATED', 'SOURCE'],
    t.secrets.map((s) => [s.id, when(s.createdAt), s.fromConfig ? 'config (BBB_API_SECRET/S)' : 'stored']),
  );
