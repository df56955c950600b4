import { contracts, type LoadSample } from '@ensemble/contracts';
import type { NatsBus } from '@ensemble/shared';
import { waitFor } from '@ensemble/testing';
import { BbbSim } from '@ensemble/bbb-sim';
import type { RunningScheduler } from '@ensemble/scheduler';
import type { RunningGateway } from '@ensemble/gateway-api';
import type { Dispatcher } from 'undici';
import { OpsStack } from './ops-stack.test-support.js';

let seq = 0;

export const OPS_TOKEN = 'rooms-ops-token-0123456789';

let lastAt = 0;
export const sample = (nodeId: string, reachable = true): LoadSample => ({
  nodeId,
  engine: 'bbb',
  // Strictly increasing: the scheduler ignores samples not newer than the last one.
  at: (lastAt = Math.max(Date.now(), lastAt + 1)),
  reachable,
  latencyMs: reachable ? 1 : null,
  meetings: 0,
  participants: 0,
  moderators: 0,
  videoStreams: 0,
  voiceParticipants: 0,
  largestMeeting: 0,
  cpu: null,
  error: reachable ? null : 'timeout',
});

export interface RoomsStack {
  gateway: RunningGateway;
  scheduler: RunningScheduler;
  sim: BbbSim;
  bus: NatsBus;
  /** The gateway's PostgreSQL database (tests that seed tables the API does not write, e.g. tenants). */
  databaseUrl: string;
  logs: string[];
  /** Publishes one poll result per node, as the load-collector would. */
  poll(nodeId: string, reachable?: boolean): void;
  close(): Promise<void>;
}

/** Scheduler + gateway in this process, real NATS, Redis and PostgreSQL, a simulated BBB fleet registered and online. */
export async function startRoomsStack(
  opts: { nodes?: number; env?: Record<string, string>; asTrustedProxy?: boolean } = {},
): Promise<RoomsStack> {
  const stack = await new OpsStack(OPS_TOKEN).start({
    gatewayEnv: { ...ONE_ADDRESS_LIMITS, ...(opts.asTrustedProxy ? { TRUSTED_PROXIES: LOOPBACK } : {}), ...opts.env },
  });
  const { gateway, scheduler, bus, logs } = stack;
  const sim = await BbbSim.start({ nodes: opts.nodes ?? 2 });
  if (opts.asTrustedProxy) actAsTrustedProxy(gateway.url);
  for (const n of sim.nodes) {
    await bus.request(contracts.registerNode, { id: n.id, url: n.baseUrl, secret: n.secret }, { timeoutMs: 3000 });
  }
  const poll = (nodeId: string, reachable = true) => bus.publish(contracts.loadSample, sample(nodeId, reachable));
  for (const n of sim.nodes) poll(n.id);
  await waitFor(
    'simulated nodes online',
    async () => {
      const { nodes } = await bus.request(contracts.listNodes, {}, { timeoutMs: 3000 });
      return nodes.filter((n) => n.health === 'online').length === sim.nodes.length;
    },
    { timeoutMs: 10_000 },
  );
  return {
    gateway,
    scheduler,
    sim,
    bus,
    databaseUrl: stack.postgres.url,
    logs,
    poll,
    close: async () => {
      await stack.stop();
      await sim.stop();
    },
  };
}

/**
 * Every test client connects from loopback, and a gateway believes X-Forwarded-For
 * only from its TRUSTED_PROXIES: stacks whose suites do not test the per-address
 * limits raise them instead, so many sign-ups and joins from one address pass.
 */
export const ONE_ADDRESS_LIMITS = { LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '100000', JOIN_MAX_PER_ADDRESS: '100000' };
export const LOOPBACK = '127.0.0.1/32';

/** Gateways that trust loopback as their proxy (TRUSTED_PROXIES=127.0.0.1/32). */
const proxiedGateways = new Set<string>();

/**
 * For suites that test the per-address limits with many addresses: the test plays
 * the trusted proxy in front of the gateway at `base` (which must trust loopback),
 * and each Client reports its own address in X-Forwarded-For, as NGINX would.
 */
export function actAsTrustedProxy(base: string): void {
  proxiedGateways.add(base);
}

/** A browser-like HTTP client: keeps its session cookie and sends the gateway's Origin on writes. */
export class Client {
  cookie: string | undefined;
  /**
   * The address the trusted proxy reports for this client (X-Forwarded-For), only
   * for a gateway `actAsTrustedProxy` was called for; otherwise none is sent.
   */
  address: string | undefined;

  constructor(
    readonly base: string,
    readonly origin: string | null = base,
    /** How to connect (e.g. every host name to loopback, for tenants' host names); default: fetch's own. */
    readonly dispatcher?: Dispatcher,
  ) {
    if (proxiedGateways.has(base))
      this.address = `10.${++seq % 250}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  }

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      redirect: 'manual',
      ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.address ? { 'x-forwarded-for': this.address } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.origin && method !== 'GET' ? { origin: this.origin } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const set = res.headers.get('set-cookie');
    if (set) {
      const pair = set.split(';')[0]!;
      this.cookie = pair.endsWith('=') ? undefined : pair;
    }
    return res;
  }

  async json(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    // oxlint-disable-next-line typescript/no-explicit-any -- tests read any field of any answer
  ): Promise<{ status: number; body: any }> {
    const res = await this.call(method, path, body, headers);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
}

/** A fresh, signed-in person. */
export async function signUp(
  base: string,
  name = 'Ada',
  email = `person${++seq}-${Date.now()}@example.org`,
): Promise<Client> {
  const c = new Client(base);
  const r = await c.json('POST', '/api/auth/register', { email, password: 'correct horse battery', name });
  if (r.status !== 201) throw new Error(`register: ${r.status} ${JSON.stringify(r.body)}`);
  return c;
}
