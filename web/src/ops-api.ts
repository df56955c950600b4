import type {
  CallbacksPage,
  ClusterNode as SharedClusterNode,
  ClusterView,
  FleetNode,
  NodeHoldings,
  NodeState,
  PanicNodeReply,
  RunRecord,
  TenantView,
  TenantsUsage,
} from '@ensemble/contracts';
import { ApiError } from './api.js';

/** A node as `GET /api/ops/cluster` shows it (placeable and capacity share added). */
export type ClusterNode = SharedClusterNode;
export type Cluster = ClusterView;
export type ClusterTotals = ClusterView['totals'];
export type RunSummary = Omit<RunRecord, 'events' | 'resources'>;

/** Who acts, as the gateway accepts it in `X-Ensemble-Operator`. */
export const OPERATOR_PATTERN = '[A-Za-z0-9][A-Za-z0-9._@:\\-]{0,63}';

/**
 * The ops API with the operator's token. The token travels only in the
 * Authorization header (never in a URL); the event stream gets a short-lived ticket.
 */
export class OpsClient {
  constructor(
    private readonly token: string,
    private readonly operator: string,
  ) {}

  cluster = () => this.call<Cluster>('GET', '/api/ops/cluster');
  setState = (id: string, state: NodeState) =>
    this.call<FleetNode>('PATCH', `/api/ops/nodes/${encodeURIComponent(id)}`, { state });
  holdings = (id: string) => this.call<NodeHoldings>('GET', `/api/ops/nodes/${encodeURIComponent(id)}/holdings`);
  panic = (id: string) => this.call<PanicNodeReply>('POST', `/api/ops/nodes/${encodeURIComponent(id)}/panic`);
  runs = () => this.call<{ runs: RunSummary[] }>('GET', '/api/ops/runs?limit=20').then((r) => r.runs);
  scaleOut = (count: number, reason: string) =>
    this.call<{ runId: string }>('POST', '/api/ops/scale-out', { count, reason });
  tenants = () => this.call<{ tenants: TenantView[] }>('GET', '/api/ops/tenants').then((r) => r.tenants);
  tenantsUsage = () => this.call<TenantsUsage>('GET', '/api/ops/tenants/usage').then((r) => r.tenants);
  ticket = () => this.call<{ ticket: string; expiresAt: number }>('POST', '/api/ops/events/ticket');
  callbacks = () => this.call<CallbacksPage>('GET', '/api/ops/callbacks?limit=20');

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (this.operator) headers['x-ensemble-operator'] = this.operator;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        headers,
        credentials: 'omit',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError(0, 'network', 'Cannot reach Ensemble. Check your connection and try again.');
    }
    const text = await res.text();
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      // A proxy's HTML error page: keep the status.
    }
    if (!res.ok) {
      const e = (data as { error?: { code?: string; message?: string } } | null)?.error;
      throw new ApiError(res.status, e?.code ?? (res.status >= 500 ? 'unavailable' : 'internal'), e?.message ?? '');
    }
    return data as T;
  }
}

/** What an operator should read for an ops error. */
export function explainOps(e: unknown, what: 'runs' | 'nodes' = 'nodes'): string {
  if (!(e instanceof ApiError)) return 'Something went wrong. Please try again.';
  switch (e.code) {
    case 'unauthorized':
      return 'The ops token was not accepted (changed, disabled or revoked). Sign in again with a valid one.';
    case 'unavailable':
      return what === 'runs'
        ? 'Provisioning is unavailable: no provisioner is answering. Try again once it runs.'
        : 'The scheduler is unavailable or did not answer in time. Try again shortly.';
    case 'conflict':
      // `busy: run <id> is in progress` while another run holds the provisioning lock.
      return e.message.startsWith('busy')
        ? `Busy: ${e.message.replace(/^busy:?\s*/, '') || 'another run is in progress'}. Wait for it to finish, then try again.`
        : `Conflict: ${e.message}.`;
    case 'not-found':
      return `Not found: ${e.message}.`;
    case 'invalid-input':
      return `Not accepted: ${e.message}.`;
    case 'network':
      return e.message;
    default:
      return e.message ? `Failed: ${e.message}.` : `The request failed (${e.status}).`;
  }
}

/** What every ops view gets: the client, and what to do when the token is refused. */
export interface OpsSession {
  client: OpsClient;
  onUnauthorized: () => void;
}
