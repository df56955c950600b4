import type { FleetNodeView } from '../contracts/fleet.schema.js';
import { clusterView } from './cluster-view.js';

const node = (id: string, over: Partial<FleetNodeView> = {}): FleetNodeView => ({
  id,
  engine: 'bbb',
  url: `http://${id}.example/bigbluebutton/`,
  state: 'enabled',
  health: 'online',
  loadMultiplier: 1,
  tags: [],
  createdAt: 0,
  lastSample: null,
  load: 0,
  pendingLoad: 0,
  rooms: 0,
  version: null,
  ...over,
});

describe('the cluster view', () => {
  it('shares capacity among the placeable nodes of an engine by their multipliers', () => {
    const v = clusterView([
      node('a', { loadMultiplier: 3 }),
      node('b'),
      node('c', { state: 'cordoned' }),
      node('d', { health: 'offline' }),
      node('j', { engine: 'jitsi' }),
    ]);
    expect(v.nodes.map((n) => [n.id, n.capacityShare])).toEqual([
      ['a', 0.75],
      ['b', 0.25],
      ['c', 0],
      ['d', 0],
      ['j', 1],
    ]);
    expect(v.totals).toMatchObject({ nodes: 5, online: 4, placeable: 3, states: { enabled: 4, cordoned: 1 } });
  });

  it('totals the last samples, the largest meeting and the versions in use', () => {
    const sample = {
      at: 1,
      reachable: true,
      latencyMs: 1,
      moderators: 0,
      voiceParticipants: 0,
      cpu: null,
      error: null,
    };
    const v = clusterView([
      node('a', {
        version: '3.0.4',
        rooms: 2,
        lastSample: {
          ...sample,
          nodeId: 'a',
          engine: 'bbb',
          meetings: 2,
          participants: 30,
          videoStreams: 4,
          largestMeeting: 25,
        },
      }),
      node('b', {
        version: '3.0.4',
        lastSample: {
          ...sample,
          nodeId: 'b',
          engine: 'bbb',
          meetings: 1,
          participants: 40,
          videoStreams: 0,
          largestMeeting: 40,
        },
      }),
      node('c', { version: '2.7.12' }),
    ]);
    expect(v.totals).toMatchObject({
      meetings: 3,
      participants: 70,
      videoStreams: 4,
      largestMeeting: 40,
      rooms: 2,
      versions: { '3.0.4': 2, '2.7.12': 1 },
    });
  });
});
