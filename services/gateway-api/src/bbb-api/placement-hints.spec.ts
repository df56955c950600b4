import { bbbApiRoomKey } from '@ensemble/shared';
import { BbbParams } from './bbb-params.js';
import { placementHints } from './placement-hints.js';

const hints = (q: string) => placementHints(BbbParams.parse(q));

describe('placementHints', () => {
  it.each([
    ['', [[]]],
    ['meta_server-tag=GPU', [['gpu'], []]],
    ['meta_server-tag=gpu!', [['gpu']]],
    ['meta_server-tag=a,b!', [['a'], ['b']]],
    ['meta_server-tag=a,b', [['a'], ['b'], []]],
    ['meta_server-tag=bad%20tag!', []],
    ['meta_server-tag=bad%20tag', [[]]],
  ])('reads meta_server-tag from %j as the tag sets %j', (q, choices) => {
    expect(hints(q).tagChoices).toEqual(choices);
  });

  it.each([
    ['meta_ensemble-size-hint=40', 40],
    ['meta_ensemble-size-hint=0', undefined],
    ['meta_ensemble-size-hint=2.5', undefined],
    ['meta_ensemble-size-hint=lots', undefined],
    ['', undefined],
  ])('reads the size hint of %j as %j', (q, size) => {
    expect(hints(q).expectedSize).toBe(size);
  });
});

describe('bbbApiRoomKey', () => {
  it('namespaces meeting IDs and hashes those a room key cannot hold', () => {
    expect(bbbApiRoomKey('math-101 é')).toBe('bbb:math-101 é');
    expect(bbbApiRoomKey('x'.repeat(256))).toMatch(/^bbb:sha256:[0-9a-f]{64}$/);
    expect(bbbApiRoomKey('tab\there')).toMatch(/^bbb:sha256:/);
    expect(bbbApiRoomKey('a'.repeat(256))).not.toBe(bbbApiRoomKey('b'.repeat(256)));
  });
});
