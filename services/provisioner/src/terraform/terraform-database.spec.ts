import { SCHEMAS, attributeAt, isSensitive, problems, references } from './provider-schema.test-support.js';
import { readModule, resourceOf, type Hcl } from './terraform-module.test-support.js';

/**
 * The module's managed PostgreSQL (infra/terraform/database.tf) against the providers'
 * documented schemas (test-support/provider-schemas.json, in `terraform providers schema
 * -json` form): what a plan would reject, and the facts production relies on.
 */
let hcl: Hcl = {};
beforeAll(async () => {
  ({ hcl } = await readModule());
});

const resource = (type: string, name: string) => resourceOf(hcl, type, name);
/** Every expression of the module: resources, locals, outputs. */
const expressions = (): string[] => {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk([hcl.resource, hcl.locals, hcl.output]);
  return out;
};
const locals = (): Record<string, string> => Object.assign({}, ...((hcl.locals ?? []) as Hcl[]));

/**
 * The locals and outputs whose value carries a secret: a sensitive variable, an attribute
 * the provider marks sensitive, or a local that does, followed to a fixed point (Terraform
 * refuses an output of such a value unless it is marked sensitive).
 */
function carriesSecret(): (text: string) => boolean {
  const sensitiveVars = Object.entries(hcl.variable as Hcl)
    .filter(([, v]) => v[0].sensitive === true)
    .map(([name]) => name);
  const secretLocals = new Set<string>();
  const direct = (text: string) =>
    sensitiveVars.some((v) => new RegExp(`\\bvar\\.${v}\\b`).test(text)) ||
    references(text).some((r) => isSensitive(r.type, r.path)) ||
    [...secretLocals].some((l) => new RegExp(`\\blocal\\.${l}\\b`).test(text));
  for (let changed = true; changed;) {
    changed = false;
    for (const [name, value] of Object.entries(locals())) {
      if (!secretLocals.has(name) && direct(JSON.stringify(value))) {
        secretLocals.add(name);
        changed = true;
      }
    }
  }
  return direct;
}

describe("the Terraform module's managed PostgreSQL", () => {
  it('uses every resource as the provider documents it (arguments, types, required ones, blocks)', () => {
    const found: string[] = [];
    for (const type of Object.keys(SCHEMAS).filter((t) => t !== 'scaleway_instance_server')) {
      for (const [name, [body]] of Object.entries((hcl.resource?.[type] ?? {}) as Record<string, Hcl[]>))
        found.push(...problems(type, body!, `${type}.${name}`));
    }
    for (const [name, [server]] of Object.entries(hcl.resource.scaleway_instance_server as Record<string, Hcl[]>)) {
      for (const [i, pn] of ((server!.private_network ?? []) as Hcl[]).entries())
        found.push(
          ...problems('scaleway_instance_server', { private_network: [pn] }, `scaleway_instance_server.${name}[${i}]`),
        );
    }
    expect(found).toEqual([]);
  });

  it('refers only to resources it declares and to attributes the provider exports', () => {
    const bad = expressions()
      .flatMap(references)
      .filter((r) => !hcl.resource?.[r.type]?.[r.name] || (r.path.length > 0 && !attributeAt(r.type, r.path)))
      .map((r) => [r.type, r.name, ...r.path].join('.'));
    expect(bad).toEqual([]);
  });

  it('runs PostgreSQL 15 in high-availability mode with automatic backups and encryption at rest', () => {
    expect(resource('scaleway_rdb_instance', 'main')).toMatchObject({
      engine: 'PostgreSQL-15',
      is_ha_cluster: true,
      disable_backup: false,
      encryption_at_rest: true,
    });
  });

  it('puts it on the private network of the API instances, with no public endpoint', () => {
    const db = resource('scaleway_rdb_instance', 'main');
    expect(db.private_network).toEqual([{ pn_id: '${scaleway_vpc_private_network.ensemble.id}', enable_ipam: true }]);
    // A load_balancer block is the public endpoint; without a private network, Scaleway adds one by default.
    expect(db.load_balancer).toBeUndefined();
    expect(resource('scaleway_instance_server', 'api').private_network).toEqual([
      { pn_id: '${scaleway_vpc_private_network.ensemble.id}' },
    ]);
    for (const url of Object.values(locals()).filter((v) => /postgres:\/\//.test(JSON.stringify(v))))
      expect(JSON.stringify(url)).toContain('database_endpoint.ip');
    expect(locals().database_endpoint).toBe('${scaleway_rdb_instance.main.private_network[0]}');
  });

  it('gives each service its own database, where an unprivileged user has every right', () => {
    expect(hcl.variable.databases[0].default).toEqual({
      gateway: 'ensemble',
      scheduler: 'ensemble_scheduler',
      provisioner: 'ensemble_provisioner',
    });
    expect(resource('scaleway_rdb_database', 'service')).toMatchObject({ for_each: '${var.databases}' });
    expect(resource('scaleway_rdb_user', 'ensemble')).toMatchObject({
      is_admin: false,
      password: '${local.database_password}',
    });
    expect(resource('scaleway_rdb_privilege', 'service')).toMatchObject({
      for_each: '${scaleway_rdb_database.service}',
      user_name: '${scaleway_rdb_user.ensemble.name}',
      permission: 'all',
    });
  });

  it('generates the password unless one is passed, and takes a passed one as a sensitive variable', () => {
    expect(hcl.variable.database_password[0]).toMatchObject({ sensitive: true, default: null });
    expect(locals().database_password).toMatch(
      /var\.database_password.*random_password\.database\["services"\]\.result/,
    );
    // Scaleway's rule: a lower-case and an upper-case letter, a digit, a special character.
    expect(resource('random_password', 'database')).toMatchObject({
      for_each: '${toset(["admin", "services"])}',
      min_lower: 1,
      min_upper: 1,
      min_numeric: 1,
      min_special: 1,
    });
  });

  it('hands each service its DATABASE_URL only as a sensitive output, and shows no secret in a plain one', () => {
    const secret = carriesSecret();
    expect(secret(JSON.stringify(locals().database_urls))).toBe(true);
    expect(hcl.output.database_urls[0]).toMatchObject({ sensitive: true, value: '${local.database_urls}' });
    expect(JSON.stringify(locals().database_urls)).toContain('urlencode(local.database_password)');
    const plain = Object.entries(hcl.output as Record<string, Hcl[]>)
      .filter(([, [o]]) => o!.sensitive !== true)
      .filter(([, [o]]) => secret(JSON.stringify(o!.value)))
      .map(([name]) => name);
    expect(plain).toEqual([]);
    // The check finds what it looks for: a plain output of the password would be caught.
    expect(secret('${random_password.database.result}')).toBe(true);
    expect(secret('${scaleway_rdb_user.ensemble}')).toBe(true);
    expect(secret('${scaleway_rdb_instance.main.certificate}')).toBe(false);
  });
});
