import { nodeIdFromInstance, samplesFromReadings, urlFromTemplate, type JitsiReadings } from './jitsi-readings.js';

const v = (instance: string, value: number) => ({ labels: { instance }, value });
const opts = { at: 1000, latencyMs: 3, urlTemplate: 'https://{host}/' };
const readings = (over: Partial<JitsiReadings>): JitsiReadings => ({
  up: [],
  cpu: [],
  conferences: [],
  participants: [],
  largest: [],
  ...over,
});

describe('Jitsi samples from Prometheus readings', () => {
  it('make node ids and URLs from the instance label', () => {
    expect(nodeIdFromInstance('Meet1.Example.org:9100')).toBe('meet1-example-org-9100');
    expect(urlFromTemplate('https://{host}/', 'meet1.example.org:9100')).toBe('https://meet1.example.org/');
    expect(urlFromTemplate('http://{instance}/', '127.0.0.1:9100')).toBe('http://127.0.0.1:9100/');
  });

  it('register a discovered instance no node claims, and sample it with CPU and videobridge figures', () => {
    const r = samplesFromReadings(
      readings({
        up: ['meet1.example.org:9100'],
        cpu: [v('meet1.example.org:9100', 0.42)],
        // the videobridge exporter runs on another port of the same host
        conferences: [v('meet1.example.org:9888', 3)],
        participants: [v('meet1.example.org:9888', 17)],
      }),
      [],
      opts,
    );
    expect(r.register).toEqual([
      { id: 'meet1-example-org-9100', url: 'https://meet1.example.org/', prometheusInstance: 'meet1.example.org:9100' },
    ]);
    expect(r.samples[0]).toMatchObject({ nodeId: 'meet1-example-org-9100', cpu: 0.42, meetings: 3, participants: 17 });
  });

  it('match a known node by its prometheusInstance, and clamp CPU into 0..1', () => {
    const r = samplesFromReadings(
      readings({ up: ['10.0.0.5:9100'], cpu: [v('10.0.0.5:9100', 1.3)] }),
      [{ id: 'paris-1', prometheusInstance: '10.0.0.5:9100' }],
      opts,
    );
    expect(r.register).toEqual([]);
    expect(r.samples).toEqual([expect.objectContaining({ nodeId: 'paris-1', cpu: 1, reachable: true })]);
  });

  it('sample a known node that was not discovered as unreachable, and one without CPU series as cpu null', () => {
    const r = samplesFromReadings(
      readings({ up: ['a:9100'] }),
      [
        { id: 'a-9100', prometheusInstance: 'a:9100' },
        { id: 'gone', prometheusInstance: 'b:9100' },
      ],
      opts,
    );
    expect(r.samples).toEqual([
      expect.objectContaining({ nodeId: 'a-9100', reachable: true, cpu: null, error: 'no-cpu-series' }),
      expect.objectContaining({ nodeId: 'gone', reachable: false, cpu: null, error: 'not-discovered' }),
    ]);
  });

  it('never match by host when several instances share it', () => {
    const r = samplesFromReadings(
      readings({
        up: ['127.0.0.1:1', '127.0.0.1:2', '127.0.0.1:3'],
        participants: [v('127.0.0.1:1', 5), v('127.0.0.1:2', 7)],
      }),
      [],
      opts,
    );
    expect(r.samples.map((s) => s.participants)).toEqual([5, 7, 0]);
  });
});
