import {
  auditPageSchema,
  createdOperatorTokenSchema,
  operatorTokenListSchema,
  type AuditEvent,
  type CreatedOperatorToken,
} from '@ensemble/contracts';
import { parseConfig } from '@ensemble/shared';
import { gatewayEnvSchema, startGateway, type RunningGateway } from '@ensemble/gateway-api';
import { Client } from 'pg';
import { buildCli, runCli } from './cli.test-support.js';
import { OpsStack } from './ops-stack.test-support.js';

const TOKEN = 'operator-tokens-ops-token-0123456789';

/**
 * Personal operator tokens (decision 122) on two gateways sharing PostgreSQL and NATS: the
 * second runs with OPS_TOKEN_ENABLED=false. A read token reads and cannot change, a named
 * token's change is audited under its name, a revoked one is refused at once everywhere,
 * and a token is shown once and nowhere else.
 */
describe('personal operator tokens', () => {
  const stack = new OpsStack(TOKEN, { 'x-ensemble-operator': 'root' });
  let second: RunningGateway;
  const created: CreatedOperatorToken[] = [];

  /** A call to a gateway with a bearer (and no operator header unless given). */
  const as = async (bearer: string, method: string, path: string, body?: unknown, base?: string) => {
    const res = await fetch(`${base ?? stack.gateway.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        // The CLI always names its user: a personal token's name wins over it.
        'x-ensemble-operator': 'mallory',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, text, body: text ? JSON.parse(text) : null };
  };
  const create = async (name: string, scope: 'read' | 'write') => {
    const r = await stack.json('POST', '/api/ops/operators/tokens', { name, scope });
    expect(r.status).toBe(201);
    const t = createdOperatorTokenSchema.parse(r.body);
    created.push(t);
    return t;
  };
  const audit = async (query = ''): Promise<AuditEvent[]> => {
    const r = await stack.json('GET', `/api/ops/audit${query}`);
    expect(r.status).toBe(200);
    return auditPageSchema.parse(r.body).events;
  };

  /** The CLI binary with a token in OPS_TOKEN; its exit code and output. */
  const ensemble = (token: string, args: string[]) =>
    runCli(args, { url: stack.gateway.url, token, operator: 'cli-user', timeoutMs: 20_000 });

  beforeAll(async () => {
    await buildCli();
    await stack.start();
    second = await startGateway(
      parseConfig('gateway-api', gatewayEnvSchema, {
        DATABASE_URL: stack.postgres.url,
        NATS_URL: stack.nats.url,
        REDIS_URL: stack.redis.url,
        GATEWAY_PORT: '0',
        OPS_TOKEN: TOKEN,
        OPS_TOKEN_ENABLED: 'false',
      }),
      { logSink: (l) => void stack.logs.push(l) },
    );
    const node = await stack.json('POST', '/api/ops/nodes', {
      id: 'bbb-t',
      url: 'http://127.0.0.1:9/bigbluebutton/',
      secret: 'node-secret-0123456789',
    });
    if (node.status !== 201) throw new Error(`registering bbb-t: ${node.status} ${node.text}`);
  }, 90_000);
  afterAll(async () => {
    await second?.close();
    await stack.stop();
  });

  it('shows a token once, in the answer that makes it, with its id inside', async () => {
    const t = await create('watcher', 'read');
    expect(t).toMatchObject({ name: 'watcher', scope: 'read', createdBy: 'root', lastUsedAt: null, revokedAt: null });
    expect(t.token).toMatch(new RegExp(`^ens_op_${t.id.slice(4)}_`));
    const list = await stack.json('GET', '/api/ops/operators/tokens');
    expect(list.status).toBe(200);
    expect(operatorTokenListSchema.parse(list.body).tokens).toContainEqual({ ...t, token: undefined });
    expect(list.text).not.toContain(t.token);
    expect(list.text).not.toMatch(/hash/i);
  });

  it('lets a read-only token read the fleet but not cordon a node or manage tokens (403 forbidden)', async () => {
    const { token } = await create('dashboard-wall', 'read');
    expect((await as(token, 'GET', '/api/ops/nodes')).status).toBe(200);
    expect((await as(token, 'GET', '/api/ops/cluster')).status).toBe(200);
    expect((await as(token, 'POST', '/api/ops/events/ticket')).status).toBe(200);
    const cordon = await as(token, 'PATCH', '/api/ops/nodes/bbb-t', { state: 'cordoned' });
    expect(cordon.status).toBe(403);
    expect(cordon.body.error.code).toBe('forbidden');
    expect((await as(token, 'GET', '/api/ops/operators/tokens')).status).toBe(403);
    expect((await as(token, 'POST', '/api/ops/operators/tokens', { name: 'x', scope: 'write' })).status).toBe(403);
    const node = await as(token, 'GET', '/api/ops/nodes/bbb-t');
    expect(node.body.state).not.toBe('cordoned');
  });

  it('audits a cordon by a named token under its name, whatever X-Ensemble-Operator says', async () => {
    const { token, id } = await create('ada', 'write');
    expect((await as(token, 'PATCH', '/api/ops/nodes/bbb-t', { state: 'cordoned' })).status).toBe(200);
    expect((await as(token, 'PATCH', '/api/ops/nodes/bbb-t', { state: 'enabled' }, second.url)).status).toBe(200);
    const events = await audit('?actor=ada');
    expect(events.map((e) => [e.action, e.target, e.actor, e.actorKind, e.details])).toEqual([
      ['node.update', 'bbb-t', 'ada', 'operator-token', { state: 'enabled' }],
      ['node.update', 'bbb-t', 'ada', 'operator-token', { state: 'cordoned' }],
    ]);
    // A write token manages tokens; its creations name it.
    const made = await as(token, 'POST', '/api/ops/operators/tokens', { name: 'ci-bot', scope: 'read' });
    expect(made.status).toBe(201);
    created.push(createdOperatorTokenSchema.parse(made.body));
    expect(made.body.createdBy).toBe('ada');
    const adds = await audit('?action=operator-token.add');
    expect(adds[0]).toMatchObject({ actor: 'ada', target: made.body.id, details: { name: 'ci-bot', scope: 'read' } });
    // Its use is recorded (at most once a minute).
    const list = operatorTokenListSchema.parse((await stack.json('GET', '/api/ops/operators/tokens')).body);
    expect(list.tokens.find((t) => t.id === id)!.lastUsedAt).toEqual(expect.any(Number));
  });

  it('refuses a revoked token at once, on this gateway and on another one that had it cached', async () => {
    const { token, id } = await create('leaving-soon', 'write');
    // Both gateways have it cached.
    expect((await as(token, 'GET', '/api/ops/nodes')).status).toBe(200);
    expect((await as(token, 'GET', '/api/ops/nodes', undefined, second.url)).status).toBe(200);
    const revoked = await stack.json('DELETE', `/api/ops/operators/tokens/${id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(Number));
    expect(revoked.text).not.toContain(token);
    const here = await as(token, 'GET', '/api/ops/nodes');
    const there = await as(token, 'GET', '/api/ops/nodes', undefined, second.url);
    expect([here.status, there.status]).toEqual([401, 401]);
    expect(here.body.error.code).toBe('unauthorized');
    expect((await audit('?action=operator-token.revoke'))[0]).toMatchObject({ target: id, outcome: 'ok' });
    // Unknown and malformed ids are typed 4xx.
    expect((await stack.json('DELETE', '/api/ops/operators/tokens/opt_ffffffffffff')).status).toBe(404);
    expect((await stack.json('DELETE', '/api/ops/operators/tokens/nope')).status).toBe(400);
    expect((await stack.json('POST', '/api/ops/operators/tokens', { name: 'bad name!', scope: 'root' })).status).toBe(
      400,
    );
  });

  it('refuses the shared token where OPS_TOKEN_ENABLED=false; personal tokens still work there', async () => {
    const shared = await as(TOKEN, 'GET', '/api/ops/nodes', undefined, second.url);
    expect(shared.status).toBe(401);
    expect(shared.body.error.message).toMatch(/OPS_TOKEN_ENABLED=false/);
    const { token } = await create('ops-oncall', 'write');
    expect((await as(token, 'GET', '/api/ops/nodes', undefined, second.url)).status).toBe(200);
  });

  it('manages tokens from the CLI: add prints it once, list and revoke never do, a read token cannot add', async () => {
    const added = await ensemble(TOKEN, ['operators', 'tokens', 'add', 'grace', '--scope', 'write']);
    expect(added.code).toBe(0);
    const m = /^token (opt_[0-9a-f]{12}) for grace \(write\): (ens_op_\S+)\n\(shown once/m.exec(added.stdout);
    expect(m).not.toBeNull();
    const [, id, token] = m!;
    created.push({ id: id!, token: token! } as CreatedOperatorToken);
    // With the personal token in OPS_TOKEN, the CLI acts as grace.
    const listed = await ensemble(token!, ['operators', 'tokens', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${id}\\s+grace\\s+write\\s`, 'm'));
    const reader = await create('cli-reader', 'read');
    const refused = await ensemble(reader.token, ['operators', 'tokens', 'add', 'eve', '--scope', 'write']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/forbidden/);
    const revoked = await ensemble(token!, ['operators', 'tokens', 'revoke', id!]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toBe(`token ${id} (grace) revoked\n`);
    expect((await audit('?action=operator-token.revoke'))[0]).toMatchObject({ actor: 'grace', target: id });
    const after = await ensemble(token!, ['operators', 'tokens', 'list']);
    expect(after.stderr).toMatch(/unauthorized/);
    for (const out of [listed, refused, revoked, after]) expect(out.stdout + out.stderr).not.toContain(token);
  }, 120_000);

  it('never shows a token after its creation: not in lists, the audit log, its table or any log line', async () => {
    const c = new Client({ connectionString: stack.postgres.url });
    await c.connect();
    let tables: string;
    try {
      tables = JSON.stringify([
        (await c.query('SELECT * FROM audit_events')).rows,
        (await c.query('SELECT * FROM operator_tokens')).rows,
      ]);
    } finally {
      await c.end();
    }
    const everything = [
      tables,
      (await stack.json('GET', '/api/ops/operators/tokens')).text,
      (await stack.json('GET', '/api/ops/audit?limit=200')).text,
      ...stack.logs,
    ].join('\n');
    expect(created.length).toBeGreaterThanOrEqual(5);
    for (const t of created) {
      expect(everything).not.toContain(t.token);
      // Not even its random part (a log that cut the prefix off).
      expect(everything).not.toContain(t.token.slice(20));
    }
  });
});
