import { describeHoldings, holdsNothing } from '@ensemble/contracts';
import { holdingsOf } from './node-holdings.js';

const id = (n: number) => `${'a'.repeat(40)}-${1700000000000 + n}`;
const rec = (n: number, state: string, formats: string[] = ['presentation']) => ({ recordId: id(n), state, formats });

describe('what a node holds that its removal would lose', () => {
  it('holds nothing when every published or unpublished recording has each of its formats stored', () => {
    const stored = new Map([
      [id(1), ['presentation', 'video']],
      [id(2), ['presentation']],
    ]);
    const h = holdingsOf(
      'bbb-1',
      0,
      [rec(1, 'published', ['presentation', 'video']), rec(2, 'unpublished')],
      stored,
      1,
    );
    expect(holdsNothing(h)).toBe(true);
    expect(describeHoldings(h)).toBe('nothing');
  });

  it('counts processing and processed recordings, and those with a format missing from storage', () => {
    const stored = new Map([[id(3), ['presentation']]]);
    const h = holdingsOf(
      'bbb-1',
      2,
      [
        rec(1, 'processing', []),
        rec(2, 'processed', []),
        rec(3, 'published', ['presentation', 'video']),
        rec(4, 'published'),
        rec(5, 'deleted'),
      ],
      stored,
      1,
    );
    expect(h).toMatchObject({ meetings: 2, processing: [id(1), id(2)], notStored: [id(3), id(4)], error: null });
    expect(describeHoldings(h)).toBe(
      `2 meetings, 2 recordings processing (${id(1)}, ${id(2)}), 2 recordings not yet in storage (${id(3)}, ${id(4)})`,
    );
  });

  it('leaves out record ids that are not BBB record ids (they can be neither asked about nor stored)', () => {
    const h = holdingsOf('bbb-1', 0, [{ recordId: '../etc', state: 'published', formats: [] }], new Map(), 1);
    expect(holdsNothing(h)).toBe(true);
  });

  it('never counts a node that could not be asked as holding nothing', () => {
    const h = { nodeId: 'bbb-1', meetings: 0, processing: [], notStored: [], error: 'timeout', at: 1 };
    expect(holdsNothing(h)).toBe(false);
    expect(describeHoldings(h)).toBe('the node could not be asked (timeout)');
  });
});
