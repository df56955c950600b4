import { BbbParams } from './bbb-params.js';
import { recordingsRequest } from './recordings-params.js';
import { nodeOnly } from './recordings-merge.js';

const req = (q: string) => recordingsRequest(BbbParams.parse(q));

describe('getRecordings parameters, read as BBB 2.6+ reads them', () => {
  it('lists published and unpublished recordings by default, every state with any', () => {
    expect(req('').filter.states).toEqual(['published', 'unpublished']);
    expect(req('state=any').filter.states).toBeUndefined();
    expect(req('state=deleted,published').filter.states).toEqual(['published', 'deleted']);
    expect(req('state=processing').filter.states).toEqual([]);
  });

  it('takes recordID over meetingID, both as comma lists', () => {
    expect(req('meetingID=a,%20b').filter).toMatchObject({ meetingIds: ['a', 'b'] });
    expect(req('meetingID=a&recordID=x,y').filter).toMatchObject({ recordIdPrefixes: ['x', 'y'] });
    expect(req('meetingID=a&recordID=x').filter.meetingIds).toBeUndefined();
  });

  it('reads meta_ filters with lowercased names', () => {
    expect(req('meta_Course=CS101&meta_bbb-origin=x').filter.meta).toEqual({ course: 'CS101', 'bbb-origin': 'x' });
  });

  it('pages only with a limit, clamped to 1..100, and a bad or negative offset is 0 (never an error)', () => {
    expect(req('offset=10').page).toBeUndefined();
    expect(req('limit=abc').page).toBeUndefined();
    expect(req('limit=0').page).toEqual({ offset: 0, limit: 1 });
    expect(req('limit=1000&offset=-4').page).toEqual({ offset: 0, limit: 100 });
    expect(req('limit=20&offset=x').page).toEqual({ offset: 0, limit: 20 });
    expect(req('limit=20&offset=40').page).toEqual({ offset: 40, limit: 20 });
    expect(req('limit=99999999999').page).toBeUndefined();
  });
});

describe('recordings only the nodes hold, merged after the index', () => {
  const item = (id: string, start: number) =>
    `<recording>\n<recordID>${id}</recordID>\n<startTime>${start}</startTime>\n</recording>`;

  it('leaves out what the index holds in any state, answers each record id once, in start order', async () => {
    const asked: string[][] = [];
    const out = await nodeOnly(
      [item('c', 3), item('a', 1), item('indexed', 0), item('c', 3), item('b', 1)],
      async (ids) => {
        asked.push([...ids]);
        return new Set(['indexed']);
      },
    );
    expect(out).toEqual([item('a', 1), item('b', 1), item('c', 3)]);
    expect(asked).toEqual([['c', 'a', 'indexed', 'b']]);
  });

  it('does not ask the index when no node answered a recording', async () => {
    expect(await nodeOnly([], () => Promise.reject(new Error('asked')))).toEqual([]);
  });
});
