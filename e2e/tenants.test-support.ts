import { request } from 'node:http';
import bbb from 'bigbluebutton-js';
import { contracts } from '@ensemble/contracts';
import type { NatsBus } from '@ensemble/shared';
import { waitFor } from '@ensemble/testing';
import type { LookupAddress } from 'node:dns';
import { Client } from 'pg';
import { Agent } from 'undici';
import type { RecordingsStack } from './recordings.test-support.js';

/**
 * Adds a tenant with these secrets straight into the gateway's tables (as the ops API
 * does) and tells every gateway, as a change through the API would.
 */
export async function addTenant(
  databaseUrl: string,
  bus: NatsBus,
  name: string,
  secrets: string[],
  fields: { max_meetings?: number; max_participants?: number; required_tags?: string[]; policy?: object } = {},
): Promise<void> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(
      `INSERT INTO tenants (name, display_name, max_meetings, max_participants, required_tags, policy)
       VALUES ($1, $1, $2, $3, $4, $5)`,
      [
        name,
        fields.max_meetings ?? null,
        fields.max_participants ?? null,
        fields.required_tags ?? [],
        fields.policy ?? {},
      ],
    );
    for (const [i, s] of secrets.entries()) {
      await db.query('INSERT INTO tenant_secrets (id, tenant, secret) VALUES ($1, $2, $3)', [
        `sec_${name}_${i}`,
        name,
        s,
      ]);
    }
  } finally {
    await db.end();
  }
  bus.publish(contracts.tenantsChanged, { tenant: name, change: 'added' });
}

/**
 * A recorded meeting `lecture` created through the tenant's own BBB API, joined and ended
 * there; its record id once the node's post_publish run (the real transfer script) is over.
 */
export async function recordTenantLecture(
  r: RecordingsStack,
  tenant: ReturnType<typeof bbb.api>,
  nodeMeetingId: string,
  meta: Record<string, string> = {},
): Promise<string> {
  const created = await bbb.http(
    tenant.administration.create('Lecture', 'lecture', { record: 'true', moderatorPW: 'mp', ...meta }),
  );
  // The tenant sees the meetingID it sent, not the node's namespaced one.
  if (created.returncode !== 'SUCCESS' || created.meetingID !== 'lecture') {
    throw new Error(`create: ${JSON.stringify(created)}`);
  }
  const joined = await fetch(tenant.administration.join('Ada', 'lecture', 'mp'), { redirect: 'manual' });
  await fetch(joined.headers.get('location')!);
  r.node().setRecording(nodeMeetingId, true);
  const ended = await bbb.http(tenant.administration.end('lecture', 'mp'));
  if (ended.returncode !== 'SUCCESS') throw new Error(`end: ${JSON.stringify(ended)}`);
  const id = String(created.internalMeetingID);
  await waitFor(
    'the post_publish run',
    () =>
      r
        .node()
        .postPublishRuns()
        .some((x) => x.recordID === id),
    { timeoutMs: 30_000 },
  );
  return id;
}

/** Runs SQL on the gateway's database, then tells the gateways the tenant changed. */
export async function changeTenant(databaseUrl: string, bus: NatsBus, name: string, sql: string, args: unknown[] = []) {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(sql, args);
  } finally {
    await db.end();
  }
  bus.publish(contracts.tenantsChanged, { tenant: name, change: 'updated' });
}

/** GET with a Host header of our choosing (fetch does not let one set it). */
export function getWithHost(url: string, host: string): Promise<{ status: number; body: string; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, location: res.headers.location }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Connects every host name to loopback: tenants reached by their host names
 * (`<tenant>.<base domain>`) with no DNS, the name still sent as Host and as TLS SNI.
 */
export function loopbackAgent(connect: { ca?: Buffer | string } = {}): Agent {
  return new Agent({
    connect: {
      ...connect,
      lookup: (
        _host: string,
        opts: { all?: boolean },
        cb: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
      ) => (opts.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)),
    },
  });
}
