// Demo (compose profile `sim`): registers the simulated BBB nodes with the gateway's ops API.
// Env: GATEWAY_URL, OPS_TOKEN, SIM_NODES_FILE (written by bbb-sim --out). Exits non-zero to be retried.
import { readFile } from 'node:fs/promises';

const gateway = process.env.GATEWAY_URL ?? 'http://gateway-api:8080';
const token = process.env.OPS_TOKEN;
if (!token) {
  process.stderr.write('OPS_TOKEN is not set\n');
  process.exit(78);
}
const { nodes } = JSON.parse(await readFile(process.env.SIM_NODES_FILE ?? '/sim/nodes.json', 'utf8'));
for (const n of nodes) {
  const res = await fetch(`${gateway}/api/ops/nodes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: n.id, url: n.url, secret: n.secret }),
    signal: AbortSignal.timeout(5000),
  });
  if (!res.ok) {
    process.stderr.write(`registering ${n.id}: ${res.status}\n`);
    process.exit(1);
  }
  process.stdout.write(`registered ${n.id} ${n.url}\n`);
}
