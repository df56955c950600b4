import { AUDIT_ACTIONS } from '@ensemble/contracts';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { OpsModule } from './ops.module.js';

/** Every mutating ops route and the action it is audited as (e2e/ops-audit checks each row). */
const AUDITED: Record<string, string> = {
  'POST /api/ops/nodes': 'node.register',
  'PATCH /api/ops/nodes/:id': 'node.update',
  'DELETE /api/ops/nodes/:id': 'node.remove',
  'POST /api/ops/nodes/:id/panic': 'node.panic',
  'POST /api/ops/scale-out': 'fleet.scale-out',
  'POST /api/ops/tenants': 'tenant.add',
  'PATCH /api/ops/tenants/:name': 'tenant.update',
  'DELETE /api/ops/tenants/:name': 'tenant.remove',
  'POST /api/ops/tenants/:name/secrets': 'tenant.secret-add',
  'DELETE /api/ops/tenants/:name/secrets/:id': 'tenant.secret-remove',
  'PUT /api/ops/tenants/:name/policy': 'tenant.policy-set',
  'POST /api/ops/operators/tokens': 'operator-token.add',
  'DELETE /api/ops/operators/tokens/:id': 'operator-token.revoke',
  'PUT /api/ops/tenants/:name/identity': 'tenant.identity-set',
  'DELETE /api/ops/tenants/:name/identity': 'tenant.identity-remove',
  'PUT /api/ops/tenants/:name/users/:email/role': 'tenant.user-role-set',
};
/** Non-GET routes that change nothing, and why they are not audited. */
const NOT_AUDITED: Record<string, string> = {
  'POST /api/ops/events/ticket': 'a short-lived, read-only credential for the event stream (stateless HMAC)',
  'POST /api/ops/placements':
    'a placement, as integrations ask it: the data path, which never touches PostgreSQL (the scheduler logs it)',
};

type Ctor = new (...args: never[]) => object;

/** `METHOD /path` of every route of the ops module's controllers, as Nest reads them. */
function opsRoutes(): string[] {
  const controllers = Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, OpsModule) as Ctor[];
  const routes: string[] = [];
  for (const c of controllers) {
    const base = String(Reflect.getMetadata(PATH_METADATA, c));
    for (const name of Object.getOwnPropertyNames(c.prototype)) {
      const handler = (c.prototype as Record<string, unknown>)[name];
      if (typeof handler !== 'function' || name === 'constructor') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      const path = String(Reflect.getMetadata(PATH_METADATA, handler));
      routes.push(`${RequestMethod[method]} /${[base, path].filter((p) => p && p !== '/').join('/')}`);
    }
  }
  return routes.sort();
}

describe('the audited ops routes', () => {
  it('audit every route that is not a GET, or say why it changes nothing', () => {
    const mutating = opsRoutes().filter((r) => !r.startsWith('GET '));
    expect(mutating).toEqual(Object.keys({ ...AUDITED, ...NOT_AUDITED }).sort());
  });

  it('name each audited action once, as the contracts list them', () => {
    expect(Object.values(AUDITED).sort()).toEqual([...AUDIT_ACTIONS].sort());
  });
});
