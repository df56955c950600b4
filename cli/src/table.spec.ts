import { bytes, percent, table } from './table.js';

describe('the CLI table', () => {
  it('pads columns to the widest cell and right-aligns numbers', () => {
    expect(
      table(
        ['NODE', 'MEETINGS'],
        [
          ['bbb-1', 3],
          ['bbb-long', 12],
        ],
      ),
    ).toBe('NODE      MEETINGS\nbbb-1            3\nbbb-long        12');
  });

  it('prints percentages and a dash for unknown values', () => {
    expect([percent(0.4235), percent(null)]).toEqual(['42%', '-']);
  });

  it('prints sizes in binary units', () => {
    expect([0, 1023, 3500, 10 * 1024 * 1024, 5.5 * 1024 ** 4].map(bytes)).toEqual([
      '0 B',
      '1023 B',
      '3.4 KiB',
      '10 MiB',
      '5.5 TiB',
    ]);
  });
});
