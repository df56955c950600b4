import type { NodeRecord } from './nodes.repository.js';
import { planMirror } from './mirror-plan.js';

const node = (id: string, over: Partial<NodeRecord> = {}): NodeRecord => ({
  id,
  engine: 'bbb',
  url: `http://${id}.test/bigbluebutton`,
  secret: 's',
  tags: [],
  loadMultiplier: 1,
  state: 'enabled',
  enableWhenHealthy: false,
  prometheusInstance: null,
  createdAt: 1,
  ...over,
});
const fieldsOf = (n: NodeRecord) => [n.engine, n.url, n.secret, n.state, String(n.loadMultiplier), n.tags.join(',')];
const mirrored = (n: NodeRecord) => ({ record: n, fields: [...fieldsOf(n), 'raw'] });

describe('the mirror plan', () => {
  it('writes back what Redis lacks, corrects what differs and removes what only Redis holds', () => {
    const plan = planMirror(
      [mirrored(node('same')), mirrored(node('old', { state: 'cordoned', loadMultiplier: 2 })), mirrored(node('gone'))],
      [node('same'), node('old'), node('lost')],
      fieldsOf,
    );
    expect(plan.missing.map((n) => n.id)).toEqual(['lost']);
    // The compare-and-set gets Redis's raw fields as read, and the inventory's record.
    expect(plan.differing).toEqual([
      { read: [...fieldsOf(node('old', { state: 'cordoned', loadMultiplier: 2 })), 'raw'], record: node('old') },
    ]);
    expect(plan.onlyInRedis).toEqual(['gone']);
  });

  it('leaves a mirror that matches the inventory alone', () => {
    const plan = planMirror([mirrored(node('a', { tags: ['eu'] }))], [node('a', { tags: ['eu'] })], fieldsOf);
    expect(plan).toEqual({ missing: [], differing: [], onlyInRedis: [] });
  });
});
