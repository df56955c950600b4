import { listItems, readNodeXml } from './node-answer.js';
import { escapeXml, meetingsXml, recordingsXml } from './bbb-xml.js';

const meeting = (id: string) => `<meeting>\n<meetingID>${escapeXml(id)}</meetingID>\n<metadata></metadata>\n</meeting>`;

describe('node answers', () => {
  it('reads returncode, messageKey and scalar fields', () => {
    expect(
      readNodeXml('<response><returncode>SUCCESS</returncode><attendeePW>a&amp;b</attendeePW></response>'),
    ).toEqual({ returncode: 'SUCCESS', messageKey: '', fields: { returncode: 'SUCCESS', attendeePW: 'a&b' } });
  });

  it.each([
    ['truncated XML', '<response>\n<returncode>SUCCESS</returncode>\n<meetings>\n<meeting>\n<meetingName>Trunc'],
    ['HTML', '<!DOCTYPE html><html><body>500</body></html>'],
    ['no returncode', '<response><x>1</x></response>'],
    ['empty', ''],
  ])('refuses %s', (_what, body) => {
    expect(readNodeXml(body)).toBeUndefined();
    expect(listItems(body, 'meetings', 'meeting')).toBeUndefined();
  });

  it('takes the meeting elements out verbatim and merges them into one getMeetings answer', () => {
    const node = meetingsXml([meeting('a <1>'), meeting('b')]);
    const items = listItems(node, 'meetings', 'meeting')!;
    expect(items).toEqual([meeting('a <1>'), meeting('b')]);
    expect(listItems(meetingsXml([]), 'meetings', 'meeting')).toEqual([]);
    expect(meetingsXml([...items, meeting('c')])).toBe(meetingsXml([meeting('a <1>'), meeting('b'), meeting('c')]));
  });

  it('renders BBB empty answers for meetings and recordings', () => {
    expect(meetingsXml([])).toBe(
      '<response>\n<returncode>SUCCESS</returncode>\n<meetings/>\n<messageKey>noMeetings</messageKey>\n<message>no meetings were found on this server</message>\n</response>\n',
    );
    expect(recordingsXml([])).toContain('<recordings></recordings>\n<messageKey>noRecordings</messageKey>');
  });
});
