import { createHash } from 'node:crypto';
import { bbbErrorXml as errorXml, escapeXml } from '@ensemble/contracts';
import { MeetingStore, internalIdFor, javaDate } from './meeting-store.js';

describe('BBB response rendering', () => {
  it('escapes the five XML special characters in values', () => {
    expect(escapeXml(`a&b<c>"d"'e'`)).toBe('a&amp;b&lt;c&gt;&quot;d&quot;&apos;e&apos;');
    expect(errorXml('k<', 'm&')).toBe(
      '<response>\n<returncode>FAILED</returncode>\n<messageKey>k&lt;</messageKey>\n<message>m&amp;</message>\n</response>\n',
    );
  });

  it('formats createDate like java.util.Date#toString in UTC', () => {
    expect(javaDate(Date.UTC(2024, 0, 5, 9, 3, 7))).toBe('Fri Jan 05 09:03:07 UTC 2024');
  });

  it('derives the internal meeting id as sha1(meetingID)-createTime', () => {
    const sha = createHash('sha1').update('room').digest('hex');
    expect(internalIdFor('room', 1700000000000)).toBe(`${sha}-1700000000000`);
  });

  it('lowercases meta_ parameter names into metadata and keeps unknown params', () => {
    const m = new MeetingStore().create({
      meetingID: 'mm',
      name: 'n',
      meta_BBB_Origin: 'x',
      guestPolicy: 'ALWAYS_ACCEPT',
    });
    expect(m.metadata).toEqual({ bbb_origin: 'x' });
    expect(m.params['guestPolicy']).toBe('ALWAYS_ACCEPT');
  });
});
