import { nodeIdSchema, type FleetNode, type LoadSample } from '@ensemble/contracts';
import type { VectorSample } from './prometheus.client.js';

/** What one round of queries said, per `instance` label. */
export interface JitsiReadings {
  /** Instances the discovery selector returned (up right now). */
  up: string[];
  cpu: VectorSample[];
  conferences: VectorSample[];
  participants: VectorSample[];
  largest: VectorSample[];
}

export interface NodeToRegister {
  id: string;
  url: string;
  prometheusInstance: string;
}

/** `meet1.example.org:9100` -> `meet1-example-org-9100`: a node id (one NATS token). */
export function nodeIdFromInstance(instance: string): string {
  const slug = instance
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return nodeIdSchema.parse(slug || 'jitsi');
}

export const hostOf = (instance: string): string => instance.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');

export function urlFromTemplate(template: string, instance: string): string {
  return template.replaceAll('{instance}', instance).replaceAll('{host}', hostOf(instance));
}

/**
 * Values by instance. A series whose instance differs from the node's (node_exporter
 * on :9100, the videobridge exporter on :9888) still matches by host, but only when
 * that host has exactly one series: several (nodes sharing a host) are ambiguous.
 */
class ByInstance {
  private readonly exact = new Map<string, number>();
  private readonly byHost = new Map<string, number | 'ambiguous'>();
  constructor(samples: VectorSample[]) {
    for (const s of samples) {
      const instance = s.labels.instance;
      if (!instance) continue;
      this.exact.set(instance, s.value);
      const host = hostOf(instance);
      this.byHost.set(host, this.byHost.has(host) ? 'ambiguous' : s.value);
    }
  }
  get(instance: string): number | undefined {
    const exact = this.exact.get(instance);
    if (exact !== undefined) return exact;
    const byHost = this.byHost.get(hostOf(instance));
    return byHost === 'ambiguous' ? undefined : byHost;
  }
}

const count = (v: number | undefined) => (v === undefined ? 0 : Math.min(1_000_000, Math.max(0, Math.round(v))));

/**
 * Turns one round of readings into a sample per node: every discovered instance
 * is a reachable node (CPU clamped to 0..1, or null when Prometheus has no CPU for
 * it); a known Jitsi node that was not discovered is unreachable (`not-discovered`),
 * so the scheduler's health streaks take it offline. Instances no known node
 * claims are returned for registration.
 */
export function samplesFromReadings(
  r: JitsiReadings,
  known: readonly Pick<FleetNode, 'id' | 'prometheusInstance'>[],
  opts: { at: number; latencyMs: number; urlTemplate: string },
): { samples: LoadSample[]; register: NodeToRegister[] } {
  const cpu = new ByInstance(r.cpu);
  const conferences = new ByInstance(r.conferences);
  const participants = new ByInstance(r.participants);
  const largest = new ByInstance(r.largest);
  const idOf = new Map<string, string>();
  for (const n of known) idOf.set(n.prometheusInstance ?? n.id, n.id);
  const seen = new Set<string>();
  const samples: LoadSample[] = [];
  const register: NodeToRegister[] = [];
  for (const instance of new Set(r.up)) {
    let id = idOf.get(instance);
    if (!id) {
      id = nodeIdFromInstance(instance);
      if (!known.some((n) => n.id === id)) {
        register.push({ id, url: urlFromTemplate(opts.urlTemplate, instance), prometheusInstance: instance });
      }
    }
    if (seen.has(id)) continue;
    seen.add(id);
    const c = cpu.get(instance);
    samples.push({
      nodeId: id,
      engine: 'jitsi',
      at: opts.at,
      reachable: true,
      latencyMs: opts.latencyMs,
      meetings: count(conferences.get(instance)),
      participants: count(participants.get(instance)),
      moderators: 0,
      videoStreams: 0,
      voiceParticipants: 0,
      largestMeeting: count(largest.get(instance)),
      cpu: c === undefined ? null : Math.min(1, Math.max(0, c)),
      error: c === undefined ? 'no-cpu-series' : null,
    });
  }
  for (const n of known) {
    if (seen.has(n.id)) continue;
    samples.push(unknownLoad(n.id, opts.at, 'not-discovered', false));
  }
  return { samples, register };
}

/** A sample saying nothing about the load: unreachable node, or Prometheus itself unavailable. */
export function unknownLoad(
  nodeId: string,
  at: number,
  error: string,
  reachable: boolean,
  last?: LoadSample,
): LoadSample {
  return {
    nodeId,
    engine: 'jitsi',
    at,
    reachable,
    latencyMs: null,
    meetings: last?.meetings ?? 0,
    participants: last?.participants ?? 0,
    moderators: 0,
    videoStreams: 0,
    voiceParticipants: 0,
    largestMeeting: last?.largestMeeting ?? 0,
    cpu: null,
    error,
  };
}
