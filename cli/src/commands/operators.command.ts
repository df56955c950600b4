import { Command, Option } from 'commander';
import {
  OPERATOR_TOKEN_SCOPES,
  type CreatedOperatorToken,
  type OperatorTokenList,
  type OperatorTokenView,
} from '@ensemble/contracts';
import { action } from '../context.js';
import { table } from '../table.js';
import { when } from './tenant-print.js';

const tokensPath = '/api/ops/operators/tokens';

/**
 * `ensemble operators tokens`: personal operator tokens (decision 122). A token is printed
 * once, by `add`; put it in OPS_TOKEN (or --token) and the audit log names its holder.
 */
export function operatorsCommand(): Command {
  const operators = new Command('operators').description('named operators: their personal API tokens');
  const tokens = operators
    .command('tokens')
    .description('personal operator tokens (managed with the shared OPS_TOKEN or a write-scope token)');

  tokens
    .command('list')
    .description('every token: id, name, scope, created, last used, revoked (never the token)')
    .action(
      action(async (ctx) => {
        const r = await ctx.api.get<OperatorTokenList>(tokensPath);
        if (ctx.json) return ctx.out(JSON.stringify(r.tokens, null, 2));
        ctx.out(
          table(
            ['ID', 'NAME', 'SCOPE', 'CREATED', 'BY', 'LAST USED', 'REVOKED'],
            r.tokens.map((t) => [
              t.id,
              t.name,
              t.scope,
              when(t.createdAt),
              t.createdBy,
              when(t.lastUsedAt),
              when(t.revokedAt),
            ]),
          ),
        );
      }),
    );

  tokens
    .command('add <name>')
    .description("make a token for a person or automation (the audit log's actor); printed once")
    .addOption(
      new Option('--scope <scope>', 'read: GET routes only; write: everything')
        .choices(OPERATOR_TOKEN_SCOPES)
        .makeOptionMandatory(),
    )
    .action(
      action(async (ctx, name: string, o: { scope: string }) => {
        const t = await ctx.api.post<CreatedOperatorToken>(tokensPath, { name, scope: o.scope });
        if (ctx.json) return ctx.out(JSON.stringify(t, null, 2));
        ctx.out(`token ${t.id} for ${t.name} (${t.scope}): ${t.token}`);
        ctx.out('(shown once: store it now; `ensemble operators tokens revoke` ends it)');
      }),
    );

  tokens
    .command('revoke <id>')
    .description('revoke a token: refused at once by every gateway')
    .action(
      action(async (ctx, id: string) => {
        const t = await ctx.api.delete<OperatorTokenView>(`${tokensPath}/${encodeURIComponent(id)}`);
        if (ctx.json) return ctx.out(JSON.stringify(t, null, 2));
        ctx.out(`token ${t.id} (${t.name}) revoked`);
      }),
    );

  return operators;
}
