import { bbbChecksum, verifyChecksum, signQuery } from './checksum.js';

describe('BBB checksum', () => {
  it('matches a vector', () => {
    expect(bbbChecksum('create', 'a=b', 's')).toHaveLength(64);
    expect(verifyChecksum('create', signQuery('create', 'a=b', 's'), ['s']).ok).toBe(true);
  });
});
