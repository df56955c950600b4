import { listItems } from '../meetings/node-answer.js';
import { escapeXml } from '@ensemble/contracts';
import { meetingsXml, recordingsXml } from './answer-xml.js';

const meeting = (id: string) => `<meeting>\n<meetingID>${escapeXml(id)}</meetingID>\n<metadata></metadata>\n</meeting>`;

describe('the BBB API answers of the whole fleet', () => {
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
