import { readFileSync } from 'node:fs';
import { MODULE_DIR as DIR, readModule, resourceOf, type Hcl } from './terraform-module.test-support.js';

/** The module in infra/terraform: the facts the provisioner and operators rely on. */
let hcl: Hcl = {};
let files: Record<string, string> = {};

beforeAll(async () => {
  ({ hcl, files } = await readModule());
});

const resource = (type: string, name: string): Hcl => resourceOf(hcl, type, name);

describe('the Scaleway Terraform module', () => {
  it('requires the scaleway/scaleway provider and takes credentials from the environment only', () => {
    const providers = hcl.terraform[0].required_providers[0];
    expect(providers.scaleway).toMatchObject({ source: 'scaleway/scaleway' });
    const all = Object.values(files).join('\n');
    expect(all).not.toMatch(/access_key|secret_key/);
  });

  it('declares the node map variable with offer GP-BM1-M and zone fr-par-2 by default', () => {
    const nodes = hcl.variable.nodes[0];
    expect(nodes.default).toEqual({});
    expect(nodes.type).toContain('optional(string, "GP-BM1-M")');
    expect(nodes.type).toContain('optional(string, "fr-par-2")');
    expect(hcl.variable.ssh_key_ids[0].type).toBe('${list(string)}');
    expect(hcl.variable.domain[0].default).toBeUndefined();
  });

  it('creates one bare-metal BBB server per node, with OS, SSH keys, tags and a cloud-init BBB install', () => {
    const bbb = resource('scaleway_baremetal_server', 'bbb');
    expect(bbb.for_each).toBe('${var.nodes}');
    expect(bbb.offer).toBe('${each.value.offer}');
    expect(bbb.zone).toBe('${each.value.zone}');
    expect(bbb.os).toContain('data.scaleway_baremetal_os.bbb.os_id');
    expect(bbb.ssh_key_ids).toBe('${var.ssh_key_ids}');
    expect(bbb.tags).toContain('var.tags');
    expect(bbb.cloud_init).toContain('templatefile(');
    expect(bbb.cloud_init).toContain('random_password.bbb_secret[each.key].result');
    expect(hcl.data.scaleway_baremetal_os.bbb[0]).toMatchObject({ name: '${var.os_name}' });
    expect(resource('random_password', 'bbb_secret')).toMatchObject({ for_each: '${var.nodes}', length: 48 });
    const cloudInit = readFileSync(`${DIR}templates/bbb-cloud-init.yaml.tftpl`, 'utf8');
    expect(cloudInit).toMatch(/bbb-install\.sh, -v, "\$\{install_version\}", -s, "\$\{hostname\}"/);
    expect(cloudInit).toContain('bbb-conf --setsecret');
  });

  it('runs the API on two DEV1-L instances in a max_availability placement group, and Prometheus on one', () => {
    const api = resource('scaleway_instance_server', 'api');
    expect(api).toMatchObject({ count: 2, type: '${var.instance_type}' });
    expect(api.placement_group_id).toBe('${scaleway_instance_placement_group.api.id}');
    expect(resource('scaleway_instance_placement_group', 'api').policy_type).toBe('max_availability');
    const prom = resource('scaleway_instance_server', 'prometheus');
    expect(prom.count).toBeUndefined();
    expect(prom.type).toBe('${var.instance_type}');
    expect(hcl.variable.instance_type[0].default).toBe('DEV1-L');
  });

  it('lets in only 443, 80 and 22', () => {
    const sg = resource('scaleway_instance_security_group', 'edge');
    expect(sg.inbound_default_policy).toBe('drop');
    const ports = (sg.inbound_rule as Hcl[]).map((r) => r.port).sort((a: number, b: number) => a - b);
    expect(ports).toEqual([22, 80, 443]);
    expect((sg.inbound_rule as Hcl[]).every((r) => r.action === 'accept' && r.port_range === undefined)).toBe(true);
  });

  it('puts a load balancer with health checks and the wildcard certificate in front of the API instances', () => {
    const backend = resource('scaleway_lb_backend', 'api');
    expect(backend.server_ips).toBe('${scaleway_instance_ip.api[*].address}');
    expect(backend.health_check_http[0]).toMatchObject({ uri: '/readyz' });
    expect(resource('scaleway_lb_frontend', 'https')).toMatchObject({
      inbound_port: 443,
      certificate_ids: ['${scaleway_lb_certificate.wildcard.id}'],
    });
    const cert = resource('acme_certificate', 'wildcard');
    expect(cert.subject_alternative_names).toEqual(['*.${var.domain}']);
    expect(cert.dns_challenge[0].provider).toBe('scaleway');
    expect(resource('scaleway_domain_record', 'bbb').for_each).toBe('${var.nodes}');
    expect(resource('scaleway_domain_record', 'apex').dns_zone).toBe('${var.domain}');
  });

  it('outputs bbb_nodes, sensitive: name -> { api_url, secret, ipv4, hostname }', () => {
    const out = hcl.output.bbb_nodes[0];
    expect(out.sensitive).toBe(true);
    for (const field of ['api_url', 'secret', 'ipv4', 'hostname'])
      expect(out.value).toMatch(new RegExp(`\\b${field}\\s+=`));
    expect(out.value).toContain('for name, server in scaleway_baremetal_server.bbb');
    expect(out.value).toContain('/bigbluebutton/api/');
  });

  it('is written in terraform fmt style (two-space indents, no tabs, no trailing blanks)', () => {
    for (const [name, text] of Object.entries(files)) {
      for (const [i, line] of text.split('\n').entries()) {
        const where = `${name}:${i + 1}`;
        expect([where, /\t|\s+$/.test(line)]).toEqual([where, false]);
        expect([where, (line.match(/^ */)?.[0].length ?? 0) % 2]).toEqual([where, 0]);
      }
    }
  });
});
