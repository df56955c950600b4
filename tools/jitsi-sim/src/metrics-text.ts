import type { CpuMode } from './cpu-model.js';

export interface NodeFigures {
  cpu: { cpu: number; mode: CpuMode; seconds: number }[];
  conferences: number;
  participants: number;
  largestConference: number;
  stressLevel: number;
}

const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(6));

/**
 * The Prometheus text exposition format (version 0.0.4): node_exporter's CPU
 * counters, and the gauges of the Jitsi Meet exporter (systemli's
 * prometheus-jitsi-meet-exporter names: jitsi_conferences, jitsi_participants,
 * jitsi_largest_conference, jitsi_stress_level).
 */
export function renderMetrics(f: NodeFigures): string {
  const lines = [
    '# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.',
    '# TYPE node_cpu_seconds_total counter',
    ...f.cpu.map((c) => `node_cpu_seconds_total{cpu="${c.cpu}",mode="${c.mode}"} ${num(c.seconds)}`),
    '# HELP jitsi_conferences Current number of active conferences',
    '# TYPE jitsi_conferences gauge',
    `jitsi_conferences ${f.conferences}`,
    '# HELP jitsi_participants Current number of active participants',
    '# TYPE jitsi_participants gauge',
    `jitsi_participants ${f.participants}`,
    '# HELP jitsi_largest_conference Participants in the largest conference',
    '# TYPE jitsi_largest_conference gauge',
    `jitsi_largest_conference ${f.largestConference}`,
    '# HELP jitsi_stress_level Stress Level reported to Jicofo by the videobridge',
    '# TYPE jitsi_stress_level gauge',
    `jitsi_stress_level ${num(f.stressLevel)}`,
  ];
  return `${lines.join('\n')}\n`;
}
