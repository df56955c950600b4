import {
  auditPageSchema,
  contracts,
  removedTenantSchema,
  tenantUsageSchema,
  tenantViewSchema,
  tenantWithNewSecretSchema,
  tenantsUsageSchema,
  type AuditEvent,
  type TenantsChanged,
  type TenantView,
} from '@ensemble/contracts';
import { waitFor } from '@ensemble/testing';
import { EMPTY_POLICY, parameterPolicySchema } from '@ensemble/gateway-api';
import { Client } from 'pg';
import { OpsStack } from './ops-stack.test-support.js';

const TOKEN = 'tenants-ops-token-0123456789';
/** The default tenant's secret, from the config: listed as `config-1`, never removable through the API. */
const CONFIG_SECRET = 'config-secret-never-shown-0123';
/** A secret an integration already has, brought along when its tenant is made. */
const IMPORTED = 'imported-secret-never-shown-42';

type Json = Record<string, unknown>;

/**
 * Tenants through the ops API (decision 114): made, changed and removed as operators do;
 * a secret appears in the answer that makes it and nowhere else (later answers, audit
 * records, the table of audit events, logs, change events); removals that would take
 * something are refused naming it unless forced; a bad policy value is refused naming its field.
 */
describe('tenants in the ops API', () => {
  const stack = new OpsStack(TOKEN, { 'x-ensemble-operator': 'tess' });
  const changes: TenantsChanged[] = [];
  /** Every secret handed out: none may appear anywhere else. */
  const shown: string[] = [IMPORTED, CONFIG_SECRET];
  /** Every answer after the one that showed a secret. */
  const answers: string[] = [];

  const call = (method: string, path: string, body?: unknown) => stack.json(method, path, body);
  /** An answer that shows no secret: kept to be searched. */
  const ok = async (method: string, path: string, body?: unknown, status = 200) => {
    const r = await call(method, path, body);
    if (r.status !== status) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
    answers.push(r.text);
    return r.body as Json;
  };
  const refused = async (method: string, path: string, body: unknown, status: number, message: RegExp) => {
    const r = await call(method, path, body);
    answers.push(r.text);
    expect({ status: r.status, code: (r.body['error'] as Json)['code'] }).toEqual({
      status,
      code: { 400: 'invalid-input', 404: 'not-found', 409: 'conflict' }[status],
    });
    expect((r.body['error'] as Json)['message']).toMatch(message);
  };
  const show = async (name: string): Promise<TenantView> =>
    tenantViewSchema.parse(await ok('GET', `/api/ops/tenants/${name}`));
  const audit = async (target: string): Promise<AuditEvent[]> =>
    auditPageSchema.parse(await ok('GET', `/api/ops/audit?target=${target}&limit=200`)).events.reverse();
  const sql = async (text: string, values: unknown[] = []) => {
    const c = new Client({ connectionString: stack.postgres.url });
    await c.connect();
    try {
      return (await c.query(text, values)).rows as Json[];
    } finally {
      await c.end();
    }
  };
  /** A recording of the tenant in the index, with one format of `bytes`. */
  const seedRecording = async (tenant: string, recordId: string, bytes: number) => {
    await sql(
      `INSERT INTO recordings (record_id, meeting_id, internal_meeting_id, name, state, starts_at, ends_at, node_id, tenant)
       VALUES ($1, $2, $1, 'lecture', 'published', now(), now(), 'bbb-1', $3)`,
      [recordId, `${tenant}~m1`, tenant],
    );
    await sql(
      `INSERT INTO recording_formats (record_id, format, digest, prefix, size_bytes, file_count, playback_path)
       VALUES ($1, 'presentation', $2, $3, $4, 3, 'index.html')`,
      [recordId, 'a'.repeat(64), `recordings/${recordId}/presentation/${'a'.repeat(64)}/`, bytes],
    );
  };

  beforeAll(async () => {
    await stack.start({
      gatewayEnv: {
        BBB_API_SECRET: CONFIG_SECRET,
        LOG_LEVEL: 'debug',
        // Room for two tenants' own labels: a third is counted as `_other`.
        TENANT_METRICS_MAX_LABELS: '2',
      },
    });
    stack.bus.subscribe(contracts.tenantsChanged, (c) => void changes.push(c));
  }, 60_000);
  afterAll(() => stack.stop());

  it('answers only the ops token', async () => {
    for (const [method, path] of [
      ['GET', '/api/ops/tenants'],
      ['GET', '/api/ops/tenants/default/secrets'],
      ['POST', '/api/ops/tenants'],
      ['GET', '/api/ops/tenants/usage'],
    ] as const) {
      const res = await fetch(`${stack.gateway.url}${path}`, {
        method,
        headers: { authorization: 'Bearer wrong-token-0123456789' },
      });
      expect([path, res.status]).toEqual([path, 401]);
    }
  });

  it('lists the default tenant with its config secret by id only', async () => {
    const { tenants } = (await ok('GET', '/api/ops/tenants')) as { tenants: TenantView[] };
    expect(tenants.map((t) => tenantViewSchema.parse(t))).toEqual([
      {
        name: 'default',
        displayName: 'Default',
        requiredTags: [],
        loadWeight: 1,
        maxMeetings: null,
        maxParticipants: null,
        recordingsProtected: null,
        recordingsProtectedEffective: false,
        policy: EMPTY_POLICY,
        secrets: [{ id: 'config-1', createdAt: null, fromConfig: true }],
      },
    ]);
  });

  it('adds a tenant with a generated secret, shown in that answer only', async () => {
    const r = await call('POST', '/api/ops/tenants', {
      name: 'uni-a',
      displayName: 'University A',
      requiredTags: ['uni-a'],
      loadWeight: 1.5,
      maxMeetings: 10,
    });
    expect(r.status).toBe(201);
    const made = tenantWithNewSecretSchema.parse(r.body);
    shown.push(made.secret.secret);
    expect(made.secret.secret).toMatch(/^[A-Za-z0-9_-]{48}$/);
    expect(made.note).toMatch(/shown once/);
    expect(made.tenant).toMatchObject({
      name: 'uni-a',
      displayName: 'University A',
      requiredTags: ['uni-a'],
      loadWeight: 1.5,
      maxMeetings: 10,
      maxParticipants: null,
      secrets: [{ id: made.secret.id, fromConfig: false }],
    });
    expect(await show('uni-a')).toEqual(made.tenant);
    const names = ((await ok('GET', '/api/ops/tenants')) as { tenants: TenantView[] }).tenants.map((t) => t.name);
    expect(names).toEqual(['default', 'uni-a']);
    await waitFor('the change announced', async () =>
      changes.some((c) => c.tenant === 'uni-a' && c.change === 'added'),
    );
  });

  it('adds a tenant with a secret it already has, and refuses one in use or too short, naming the field', async () => {
    const r = await call('POST', '/api/ops/tenants', { name: 'uni-b', secret: IMPORTED });
    expect(r.status).toBe(201);
    expect(tenantWithNewSecretSchema.parse(r.body).secret.secret).toBe(IMPORTED);
    await refused('POST', '/api/ops/tenants', { name: 'uni-c', secret: IMPORTED }, 409, /^secret: already in use/);
    await refused('POST', '/api/ops/tenants', { name: 'uni-c', secret: CONFIG_SECRET }, 409, /^secret: already in use/);
    await refused('POST', '/api/ops/tenants', { name: 'uni-c', secret: 'short-secret' }, 400, /^secret: at least 16/);
    await refused('POST', '/api/ops/tenants', { name: 'uni-b' }, 409, /^tenant uni-b exists$/);
    await refused('POST', '/api/ops/tenants', { name: 'Uni_C' }, 400, /^name: tenant: a DNS label/);
    await refused('POST', '/api/ops/tenants', { name: 'usage' }, 400, /^name: reserved/);
    await refused('POST', '/api/ops/tenants', { name: 'uni-c', maxMeetings: -1 }, 400, /^maxMeetings: at least 0/);
    await refused('POST', '/api/ops/tenants', { name: 'uni-c', colour: 'red' }, 400, /colour/);
    expect((await call('GET', '/api/ops/tenants/uni-c')).status).toBe(404);
  });

  it('updates rules and quotas, lifts a quota with null, and refuses a bad value naming the field', async () => {
    const updated = tenantViewSchema.parse(
      await ok('PATCH', '/api/ops/tenants/uni-a', { maxParticipants: 200, maxMeetings: null, requiredTags: [] }),
    );
    expect(updated).toMatchObject({ maxParticipants: 200, maxMeetings: null, requiredTags: [], loadWeight: 1.5 });
    await refused('PATCH', '/api/ops/tenants/uni-a', { loadWeight: 0 }, 400, /^loadWeight: greater than 0/);
    await refused('PATCH', '/api/ops/tenants/uni-a', { requiredTags: ['Not A Tag'] }, 400, /^requiredTags\.0: tag/);
    await refused('PATCH', '/api/ops/tenants/uni-a', {}, 400, /nothing to update/);
    await refused('PATCH', '/api/ops/tenants/ghost', { loadWeight: 2 }, 404, /^no tenant ghost$/);
    // The default tenant's rules and quotas are an operator's too.
    expect(await ok('PATCH', '/api/ops/tenants/default', { maxMeetings: 500 })).toMatchObject({ maxMeetings: 500 });
  });

  it('sets whether its recordings are protected, and refuses protecting them on a gateway that cannot sign links', async () => {
    // This gateway has no RECORDINGS_PLAYBACK_SECRET: protected links could never be opened.
    await refused(
      'PATCH',
      '/api/ops/tenants/uni-a',
      { recordingsProtected: true },
      409,
      /^recordingsProtected: .*RECORDINGS_PLAYBACK_SECRET, which is not set/,
    );
    expect(await show('uni-a')).toMatchObject({ recordingsProtected: null, recordingsProtectedEffective: false });
    expect(await ok('PATCH', '/api/ops/tenants/uni-a', { recordingsProtected: false })).toMatchObject({
      recordingsProtected: false,
      recordingsProtectedEffective: false,
    });
    expect(await ok('PATCH', '/api/ops/tenants/uni-a', { recordingsProtected: null })).toMatchObject({
      recordingsProtected: null,
    });
    await refused('PATCH', '/api/ops/tenants/uni-a', { recordingsProtected: 'yes' }, 400, /^recordingsProtected: /);
    await refused(
      'POST',
      '/api/ops/tenants',
      { name: 'uni-c', recordingsProtected: true },
      409,
      /^recordingsProtected/,
    );
    expect((await call('GET', '/api/ops/tenants/uni-c')).status).toBe(404);
    const updates = (await audit('uni-a')).filter((e) => e.action === 'tenant.update').slice(1);
    expect(updates.map((e) => [e.outcome, e.details])).toEqual([
      ['refused', { recordingsProtected: true }],
      ['ok', { recordingsProtected: false }],
      ['ok', { recordingsProtected: null }],
    ]);
  });

  it('adds, lists and removes secrets: each shown once, the last kept unless forced, the config one never', async () => {
    const before = await show('uni-a');
    const r = await call('POST', '/api/ops/tenants/uni-a/secrets', {});
    expect(r.status).toBe(201);
    const added = tenantWithNewSecretSchema.parse(r.body);
    shown.push(added.secret.secret);
    const { secrets } = (await ok('GET', '/api/ops/tenants/uni-a/secrets')) as { secrets: Json[] };
    expect(secrets.map((s) => s['id'])).toEqual([before.secrets[0]!.id, added.secret.id]);
    for (const s of secrets) expect(Object.keys(s).sort()).toEqual(['createdAt', 'fromConfig', 'id']);

    // Rotation: the old one goes, the new one stays; then it is the last and stays.
    await ok('DELETE', `/api/ops/tenants/uni-a/secrets/${before.secrets[0]!.id}`);
    await refused(
      'DELETE',
      `/api/ops/tenants/uni-a/secrets/${added.secret.id}`,
      undefined,
      409,
      /is the last secret of tenant uni-a/,
    );
    await refused('DELETE', '/api/ops/tenants/uni-a/secrets/sec_000000000000', undefined, 404, /has no secret/);
    await refused('DELETE', '/api/ops/tenants/uni-a/secrets/nonsense', undefined, 400, /^id: /);
    await refused('DELETE', '/api/ops/tenants/default/secrets/config-1', undefined, 409, /BBB_API_SECRET/);
    await refused('DELETE', '/api/ops/tenants/default/secrets/config-1?force=true', undefined, 409, /BBB_API_SECRET/);
    await refused('POST', '/api/ops/tenants/uni-a/secrets', { secret: IMPORTED }, 409, /^secret: already in use/);
    await refused('POST', '/api/ops/tenants/ghost/secrets', {}, 404, /^no tenant ghost$/);

    // Forced: the tenant is left without a secret (unreachable) until another is added.
    const bare = tenantViewSchema.parse(
      await ok('DELETE', `/api/ops/tenants/uni-a/secrets/${added.secret.id}?force=true`),
    );
    expect(bare.secrets).toEqual([]);
    const again = tenantWithNewSecretSchema.parse((await call('POST', '/api/ops/tenants/uni-a/secrets', {})).body);
    shown.push(again.secret.secret);
  });

  it('sets and shows a policy, and refuses a bad value naming the field', async () => {
    const policy = {
      create: {
        defaults: { welcome: 'Welcome to University A' },
        overrides: { moderatorPW: 'policy-override-value' },
        block: ['logo'],
        caps: { duration: 120, maxParticipants: 100 },
      },
      join: { defaults: { userdata: 'bbb_auto_join_audio=true' } },
    };
    // Answered as stored: every part present (decision 111's schema fills the absent ones).
    const stored = parameterPolicySchema.parse(policy);
    expect(await ok('PUT', '/api/ops/tenants/uni-a/policy', policy)).toEqual(stored);
    expect(await ok('GET', '/api/ops/tenants/uni-a/policy')).toEqual(stored);
    expect((await show('uni-a')).policy).toEqual(stored);
    await refused(
      'PUT',
      '/api/ops/tenants/uni-a/policy',
      { create: { caps: { duration: -5 } } },
      400,
      /^create\.caps\.duration: /,
    );
    await refused(
      'PUT',
      '/api/ops/tenants/uni-a/policy',
      { create: { caps: { duration: 1.5 } } },
      400,
      /^create\.caps\.duration: /,
    );
    await refused('PUT', '/api/ops/tenants/uni-a/policy', { join: { block: 'logo' } }, 400, /^join\.block: /);
    await refused('PUT', '/api/ops/tenants/uni-a/policy', { end: {} }, 400, /end/);
    await refused('PUT', '/api/ops/tenants/ghost/policy', {}, 404, /^no tenant ghost$/);
    // The refused ones changed nothing.
    expect(await ok('GET', '/api/ops/tenants/uni-a/policy')).toEqual(parameterPolicySchema.parse(policy));
    // The audit names the parameters, not their values.
    const set = (await audit('uni-a')).filter((e) => e.action === 'tenant.policy-set');
    expect(set.map((e) => [e.outcome, e.details])).toEqual([
      [
        'ok',
        {
          create: { defaults: ['welcome'], overrides: ['moderatorPW'], block: ['logo'], caps: policy.create.caps },
          join: { defaults: ['userdata'], overrides: [], block: [], caps: {} },
        },
      ],
    ]);
    expect(JSON.stringify(await audit('uni-a'))).not.toContain('policy-override-value');
  });

  it("tells usage: recordings and their bytes from the index, meetings and participants from the scheduler's accounts", async () => {
    await seedRecording('uni-a', 'rec-a1', 1000);
    await seedRecording('uni-a', 'rec-a2', 2500);
    await seedRecording('uni-b', 'rec-b1', 7);
    const one = tenantUsageSchema.parse(await ok('GET', '/api/ops/tenants/uni-a/usage'));
    expect(one).toEqual({
      name: 'uni-a',
      meetings: 0,
      participants: 0,
      recordings: 2,
      storageBytes: 3500,
      maxMeetings: null,
      maxParticipants: 200,
    });
    const all = tenantsUsageSchema.parse(await ok('GET', '/api/ops/tenants/usage'));
    expect(all.tenants.map((t) => [t.name, t.recordings, t.storageBytes])).toEqual([
      ['default', 0, 0],
      ['uni-a', 2, 3500],
      ['uni-b', 1, 7],
    ]);
    await refused('GET', '/api/ops/tenants/ghost/usage', undefined, 404, /^no tenant ghost$/);

    // The gauges follow the read, two tenants by name (TENANT_METRICS_MAX_LABELS=2), the third as `_other`.
    const metrics = await (await fetch(`${stack.gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/^ensemble_tenant_recordings\{[^}]*tenant="default"[^}]*\} 0$/m);
    expect(metrics).toMatch(/^ensemble_tenant_recordings\{[^}]*tenant="uni-a"[^}]*\} 2$/m);
    expect(metrics).toMatch(/^ensemble_tenant_recording_storage_bytes\{[^}]*tenant="_other"[^}]*\} 7$/m);
    expect(metrics).not.toMatch(/tenant="uni-b"/);
    expect(metrics).toMatch(/^ensemble_tenant_meetings\{[^}]*tenant="uni-a"[^}]*\} 0$/m);
  });

  it('refuses to remove a tenant that holds something, naming it, and removes it when forced', async () => {
    await sql(
      `INSERT INTO users (id, email, name, password_hash, created_at, tenant) VALUES ('u1', 'a@uni-a.example', 'A', 'x', now(), 'uni-a')`,
    );
    await refused(
      'DELETE',
      '/api/ops/tenants/uni-a',
      undefined,
      409,
      /^tenant uni-a holds 1 account, 2 recordings: force/,
    );
    expect((await show('uni-a')).name).toBe('uni-a');
    const removed = removedTenantSchema.parse(await ok('DELETE', '/api/ops/tenants/uni-a?force=true'));
    expect(removed).toEqual({ name: 'uni-a', forced: true, held: { meetings: 0, accounts: 1, recordings: 2 } });
    expect((await call('GET', '/api/ops/tenants/uni-a')).status).toBe(404);
    // Its accounts went with it; its recordings are deleted (not inherited by a tenant of the same name later).
    expect(await sql(`SELECT count(*)::int AS n FROM users WHERE tenant = 'uni-a'`)).toEqual([{ n: 0 }]);
    expect(await sql(`SELECT DISTINCT state FROM recordings WHERE tenant = 'uni-a'`)).toEqual([{ state: 'deleted' }]);
    expect(await sql(`SELECT count(*)::int AS n FROM tenant_secrets WHERE tenant = 'uni-a'`)).toEqual([{ n: 0 }]);
    await refused('DELETE', '/api/ops/tenants/uni-a', undefined, 404, /^no tenant uni-a$/);
    await refused('DELETE', '/api/ops/tenants/default?force=true', undefined, 409, /default tenant cannot be removed/);
    await refused('DELETE', '/api/ops/tenants/uni-b?force=yes', undefined, 400, /^force: /);

    const [remove] = (await audit('uni-a')).filter((e) => e.action === 'tenant.remove' && e.outcome === 'ok');
    expect(remove!.details).toEqual({
      force: true,
      held: {
        meetings: 0,
        accounts: 1,
        recordings: 2,
        summary: '1 account, 2 recordings',
      },
    });
    await waitFor('the removal announced', async () =>
      changes.some((c) => c.tenant === 'uni-a' && c.change === 'removed'),
    );
  });

  it('audits every change with its outcome, and never shows a secret again: answers, audit, its table, events, logs', async () => {
    const events = await audit('uni-a');
    expect(events.map((e) => [e.action, e.outcome, e.errorCode])).toEqual([
      ['tenant.add', 'ok', null],
      ['tenant.update', 'ok', null],
      ['tenant.update', 'refused', 'conflict'],
      ['tenant.update', 'ok', null],
      ['tenant.update', 'ok', null],
      ['tenant.secret-add', 'ok', null],
      ['tenant.secret-remove', 'ok', null],
      ['tenant.secret-remove', 'refused', 'conflict'],
      ['tenant.secret-remove', 'refused', 'not-found'],
      ['tenant.secret-add', 'refused', 'conflict'],
      ['tenant.secret-remove', 'ok', null],
      ['tenant.secret-add', 'ok', null],
      ['tenant.policy-set', 'ok', null],
      ['tenant.remove', 'refused', 'conflict'],
      ['tenant.remove', 'ok', null],
      ['tenant.remove', 'refused', 'not-found'],
    ]);
    for (const e of events) expect(e).toMatchObject({ actor: 'tess', actorKind: 'ops-token' });
    expect(events[0]!.details).toEqual({
      displayName: 'University A',
      requiredTags: ['uni-a'],
      loadWeight: 1.5,
      maxMeetings: 10,
      maxParticipants: null,
      recordingsProtected: null,
      secretImported: false,
      secretId: expect.stringMatching(/^sec_[0-9a-f]{12}$/),
    });
    expect((await audit('uni-b'))[0]!.details).toMatchObject({ secretImported: true });

    const table = JSON.stringify(await sql('SELECT * FROM audit_events'));
    // The search below means something only if the gateway logged (debug) while it worked.
    expect(stack.logs.filter((l) => l.includes('"service":"gateway-api"')).length).toBeGreaterThan(10);
    const everything = [...answers, table, JSON.stringify(changes), ...stack.logs].join('\n');
    expect(shown).toHaveLength(5);
    for (const secret of shown) expect(everything).not.toContain(secret);
  });
});
