import * as fc from 'fast-check';
import { BbbFailedError, BbbParseError, parseGetMeetings } from './get-meetings.parser.js';

const GOOD = `<response><returncode>SUCCESS</returncode><meetings><meeting><meetingID>a</meetingID><participantCount>3</participantCount><moderatorCount>1</moderatorCount><videoCount>2</videoCount><voiceParticipantCount>1</voiceParticipantCount></meeting></meetings></response>`;

/** Whatever a node answers, the parser gives counts (and a sane meeting list) or a typed error; it never throws anything else. */
const typedOrCounts = (xml: string): boolean => {
  try {
    const { runningMeetings, ...counts } = parseGetMeetings(xml);
    return (
      Object.values(counts).every((v) => Number.isFinite(v) && v >= 0) &&
      (runningMeetings ?? []).every((m) => m.meetingID.length > 0 && m.meetingID.length <= 256 && m.participants >= 0)
    );
  } catch (e) {
    return e instanceof BbbParseError || e instanceof BbbFailedError;
  }
};

describe('parseGetMeetings on hostile answers', () => {
  it('answers counts or a typed error for arbitrary text', () => {
    expect(() => fc.assert(fc.property(fc.string({ maxLength: 2000 }), typedOrCounts), { numRuns: 300 })).not.toThrow();
  });

  it('answers counts or a typed error for every truncation of a good answer', () => {
    const bad = [...Array(GOOD.length + 1).keys()].filter((i) => !typedOrCounts(GOOD.slice(0, i)));
    expect(bad).toEqual([]);
  });

  it('answers counts or a typed error for wrong shapes and hostile numbers', () => {
    const field = fc.oneof(
      fc.constantFrom('-1', 'NaN', '1e309', '9'.repeat(400), '0x10', '', ' 3 ', '<x/>', '&amp;'),
      fc.string({ maxLength: 20 }),
    );
    const run = () =>
      fc.assert(
        fc.property(field, field, fc.nat(10), (p, v, n) =>
          typedOrCounts(
            `<response><returncode>SUCCESS</returncode><meetings>${`<meeting><participantCount>${p}</participantCount><videoCount>${v}</videoCount></meeting>`.repeat(n)}</meetings></response>`,
          ),
        ),
        { numRuns: 100 },
      );
    expect(run).not.toThrow();
  });

  it('answers counts or a typed error for deep nesting, entities and an enormous answer', () => {
    expect(typedOrCounts(`${'<a>'.repeat(5_000)}${'</a>'.repeat(5_000)}`)).toBe(true);
    expect(
      typedOrCounts(
        `<!DOCTYPE r [<!ENTITY a "${'x'.repeat(100)}"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><response><returncode>&b;</returncode></response>`,
      ),
    ).toBe(true);
    expect(
      typedOrCounts(
        GOOD.replace(
          '<meetings>',
          `<meetings>${'<meeting><participantCount>1</participantCount></meeting>'.repeat(5_000)}`,
        ),
      ),
    ).toBe(true);
  });
});
