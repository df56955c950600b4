import { BbbParams } from './bbb-params.js';

describe('BbbParams', () => {
  it('keeps every parameter in order, query before form, without the checksum', () => {
    const p = BbbParams.parse('b=2&checksum=x&a=1&b=3', 'c=%C3%A9');
    expect(p.entries).toEqual([
      ['b', '2'],
      ['a', '1'],
      ['b', '3'],
      ['c', 'é'],
    ]);
    expect(p.get('b')).toBe('2');
  });

  it('encodes unicode and spaces as a form would', () => {
    expect(BbbParams.parse('name=Caf%C3%A9%20%F0%9F%8E%93').toQuery()).toBe('name=Caf%C3%A9+%F0%9F%8E%93');
  });

  it('drops named parameters', () => {
    expect(BbbParams.parse('a=1&createTime=2&b=3').without('createTime').toQuery()).toBe('a=1&b=3');
  });
});
