import { listItems } from '../meetings/node-answer.js';
import { escapeXml } from '@ensemble/contracts';
import { errorXml, joinErrorLocation, meetingsXml, recordingsXml } from './answer-xml.js';

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

  it("answers a tenant quota's refusal of a create as FAILED, and of a join as the join error redirect", () => {
    expect(errorXml('tenantMeetingQuotaReached')).toBe(
      '<response>\n<returncode>FAILED</returncode>\n<messageKey>tenantMeetingQuotaReached</messageKey>\n<message>Your institution has reached its limit of concurrent meetings. Please try again when one of its meetings has ended.</message>\n</response>\n',
    );
    const location = new URL(joinErrorLocation('https://lms.example.org/course?id=7', 'tenantParticipantQuotaReached'));
    expect(location.searchParams.get('id')).toBe('7');
    expect(JSON.parse(location.searchParams.get('errors')!)).toEqual([
      {
        key: 'tenantParticipantQuotaReached',
        message: 'Your institution has reached its limit of concurrent participants. Please try again later.',
      },
    ]);
  });
});
