#!/usr/bin/env node
// A stand-in `terraform` for tests (Terraform cannot be installed here). It speaks
// Terraform's machine-readable UI (`-json`: one JSON object per line with @level,
// @message, @module, @timestamp, type) for init/plan/apply and `output -json`.
// Driven by `.terraform-stub.json` in the working directory:
//   { scenario: success | apply-errored | state-lock | hang | garbage | bad-output | init-fails | leaky,
//     endpoints: [{ api_url, secret, ipv4, hostname, recording_token? }] }   (handed to new nodes in name order)
// hang wedges the apply of the first server it creates or destroys.
// Keeps its "state" in `stub.tfstate.json`; appends each call (args, env names) to
// `.terraform-stub-calls.jsonl`.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const command = args[0];
const cfg = readJson('.terraform-stub.json', { scenario: 'success', endpoints: [] });
const state = readJson('stub.tfstate.json', { nodes: {} });
appendFileSync('.terraform-stub-calls.jsonl', `${JSON.stringify({ args, env: Object.keys(process.env).sort() })}\n`);

function readJson(path, fallback) {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : fallback;
}

function ui(level, message, type, extra = {}) {
  const line = {
    '@level': level,
    '@message': message,
    '@module': 'terraform.ui',
    '@timestamp': new Date().toISOString(),
    type,
    ...extra,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

const resource = (type, name, key) => ({
  addr: `${type}.${name}["${key}"]`,
  module: '',
  resource: `${type}.${name}["${key}"]`,
  implied_provider: type.split('_')[0],
  resource_type: type,
  resource_name: name,
  resource_key: key,
});

function resourcesOf(names) {
  return names.flatMap((n) => [
    resource('random_password', 'bbb_secret', n),
    resource('scaleway_baremetal_server', 'bbb', n),
  ]);
}

function diagnostic(summary, detail) {
  ui('error', `Error: ${summary}`, 'diagnostic', { diagnostic: { severity: 'error', summary, detail } });
}

function needsCredentials() {
  if (process.env.SCW_ACCESS_KEY && process.env.SCW_SECRET_KEY) return true;
  diagnostic('No credentials', 'scaleway provider: SCW_ACCESS_KEY and SCW_SECRET_KEY must be set');
  return process.exit(1);
}

/** A wedged provider (scenario hang): progress forever, and only SIGKILL ends it. */
async function wedge(r, hook) {
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {});
  const verb = hook.action === 'delete' ? 'destroying' : 'creating';
  setInterval(
    () =>
      ui('info', `${r.addr}: Still ${verb}... [10s elapsed]`, 'apply_progress', {
        hook: { ...hook, elapsed_seconds: 10 },
      }),
    200,
  );
  await new Promise(() => {});
}

function version() {
  ui('info', 'Terraform 1.9.8', 'version', { terraform: '1.9.8', ui: '1.2' });
}

if (command === 'init') {
  if (cfg.scenario === 'init-fails') {
    process.stderr.write('Error: Failed to query available provider packages\n');
    process.exit(1);
  }
  process.stdout.write(
    'Initializing the backend...\nInitializing provider plugins...\nTerraform has been successfully initialized!\n',
  );
  process.exit(0);
}

if (command === 'plan') {
  version();
  needsCredentials();
  if (cfg.scenario === 'leaky') {
    // A provider that echoes the credentials it was given (the runner must scrub them).
    diagnostic(
      'Invalid credentials',
      `access key ${process.env.SCW_ACCESS_KEY} / secret ${process.env.SCW_SECRET_KEY} rejected`,
    );
    process.stderr.write(`debug: SCW_SECRET_KEY=${process.env.SCW_SECRET_KEY}\n`);
    process.exit(1);
  }
  if (cfg.scenario === 'state-lock') {
    diagnostic(
      'Error acquiring the state lock',
      'Error message: ConditionalCheckFailedException: The conditional request failed\nLock Info:\n  ID: 2d2b4a3e-0c0a-4e0b-9a66-2d1c1f1e7e55\n  Operation: OperationTypeApply\n  Who: ops@bastion\n\nTerraform acquires a state lock to protect the state from being written\nby multiple users at the same time.',
    );
    process.exit(1);
  }
  const desired = Object.keys(readJson('nodes.auto.tfvars.json', { nodes: {} }).nodes ?? {}).sort();
  const add = desired.filter((n) => !(n in state.nodes));
  const remove = Object.keys(state.nodes).filter((n) => !desired.includes(n));
  for (const r of resourcesOf(add))
    ui('info', `${r.addr}: Plan to create`, 'planned_change', { change: { resource: r, action: 'create' } });
  for (const r of resourcesOf(remove))
    ui('info', `${r.addr}: Plan to delete`, 'planned_change', { change: { resource: r, action: 'delete' } });
  const summary = { add: add.length * 2, change: 0, import: 0, remove: remove.length * 2, operation: 'plan' };
  ui('info', `Plan: ${summary.add} to add, 0 to change, ${summary.remove} to destroy.`, 'change_summary', {
    changes: summary,
  });
  const out = args.find((a) => a.startsWith('-out='))?.slice(5);
  if (out) writeFileSync(out, JSON.stringify({ add, remove }));
  process.exit(0);
}

if (command === 'apply') {
  version();
  needsCredentials();
  const plan = readJson(args.at(-1), null);
  if (!plan) {
    diagnostic('Failed to load plan file', `Could not read plan from ${args.at(-1)}`);
    process.exit(1);
  }
  if (cfg.scenario === 'garbage') {
    process.stdout.write('panic: this is not JSON\n');
    process.stdout.write('{"@level":"info","type":"apply_start"}\n');
    process.stdout.write(
      `${JSON.stringify({ '@level': 'info', '@message': 'Refreshing', '@module': 'terraform.ui', '@timestamp': new Date().toISOString(), type: 'refresh_start', hook: {} })}\n`,
    );
  }
  const used = new Set(Object.values(state.nodes).map((e) => e.api_url));
  const free = (cfg.endpoints ?? []).filter((e) => !used.has(e.api_url));
  for (const name of plan.add) {
    for (const r of resourcesOf([name])) {
      const hook = { resource: r, action: 'create' };
      ui('info', `${r.addr}: Creating...`, 'apply_start', { hook });
      if (cfg.scenario === 'hang' && r.resource_type === 'scaleway_baremetal_server') await wedge(r, hook);
      if (cfg.scenario === 'apply-errored' && r.resource_type === 'scaleway_baremetal_server') {
        ui('error', `${r.addr}: Creation errored after 3s`, 'apply_errored', { hook: { ...hook, elapsed_seconds: 3 } });
        diagnostic(
          'Error creating baremetal server',
          'scaleway-sdk-go: resource is out of stock: offer GP-BM1-M in zone fr-par-2',
        );
        writeFileSync('stub.tfstate.json', JSON.stringify(state));
        process.exit(1);
      }
      ui('info', `${r.addr}: Still creating... [10s elapsed]`, 'apply_progress', {
        hook: { ...hook, elapsed_seconds: 10 },
      });
      ui('info', `${r.addr}: Creation complete after 12s [id=fr-par-2/${name}]`, 'apply_complete', {
        hook: { ...hook, id_key: 'id', id_value: `fr-par-2/${name}`, elapsed_seconds: 12 },
      });
    }
    const endpoint = free.shift();
    if (!endpoint) {
      diagnostic('Out of stub endpoints', `no endpoint left for ${name}`);
      process.exit(1);
    }
    state.nodes[name] = endpoint;
  }
  for (const name of plan.remove) {
    for (const r of resourcesOf([name])) {
      const hook = { resource: r, action: 'delete' };
      ui('info', `${r.addr}: Destroying...`, 'apply_start', { hook });
      if (cfg.scenario === 'hang' && r.resource_type === 'scaleway_baremetal_server') await wedge(r, hook);
      ui('info', `${r.addr}: Destruction complete after 2s`, 'apply_complete', {
        hook: { ...hook, elapsed_seconds: 2 },
      });
    }
    delete state.nodes[name];
  }
  writeFileSync('stub.tfstate.json', JSON.stringify(state));
  const changes = {
    add: plan.add.length * 2,
    change: 0,
    import: 0,
    remove: plan.remove.length * 2,
    operation: 'apply',
  };
  ui(
    'info',
    `Apply complete! Resources: ${changes.add} added, 0 changed, ${changes.remove} destroyed.`,
    'change_summary',
    { changes },
  );
  ui('info', 'Outputs: 1', 'outputs', { outputs: { bbb_nodes: { sensitive: true, type: ['map', ['object', {}]] } } });
  process.exit(0);
}

if (command === 'output') {
  const value = {};
  for (const [name, e] of Object.entries(state.nodes)) {
    value[name] = cfg.scenario === 'bad-output' ? { api_url: e.api_url } : e;
  }
  const type = ['map', ['object', { api_url: 'string', hostname: 'string', ipv4: 'string', secret: 'string' }]];
  // `output -json NAME` prints that output's value alone; without a name, every output.
  const all = {
    bbb_nodes: { sensitive: true, type, value },
    database_urls: {
      sensitive: true,
      type: ['map', 'string'],
      value: { gateway: 'postgres://ensemble:stub-db-password@db/ensemble' },
    },
  };
  const name = args.find((a, i) => i > 0 && !a.startsWith('-'));
  if (name && !(name in all)) {
    process.stderr.write(`Error: Output "${name}" not found\n`);
    process.exit(1);
  }
  process.stdout.write(`${JSON.stringify(name ? all[name].value : all, null, 2)}\n`);
  process.exit(0);
}

process.stderr.write(`terraform-stub: unsupported command ${command}\n`);
process.exit(1);
