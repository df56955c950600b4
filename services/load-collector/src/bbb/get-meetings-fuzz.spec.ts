import fc from 'fast-check';
import { BbbFailedError, BbbParseError, parseGetMeetings } from './get-meetings.parser.js';

const GOOD = `<response><returncode>SUCCESS</returncode><meetings><meeting><meetingID>a</meetingID><participantCount>3</participantCount><moderatorCount>1</moderatorCount><videoCount>2</videoCount><voiceParticipantCount>1</voiceParticipantCount></meeting></meetings></response>`;

/** Whatever a node answers, the parser gives counts or a typed error; it never throws anything else. */
const typedOrCounts = (xml: string) => {
  try {
    const c = parseGetMeetings(xml);
    for (const v of Object.values(c)) expect(Number.isFinite(v) && v >= 0).toBe(true);
  } catch (e) {
    expect(e instanceof BbbParseError || e instanceof BbbFailedError).toBe(true);
  }
};

describe('parseGetMeetings on hostile answers', () => {
  it('answers counts or a typed error for arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 2000 }), typedOrCounts), { numRuns: 300 });
  });

  it('answers counts or a typed error for every truncation of a good answer', () => {
    for (let i = 0; i <= GOOD.length; i++) typedOrCounts(GOOD.slice(0, i));
  });

  it('answers counts or a typed error for wrong shapes and hostile numbers', () => {
    const field = fc.oneof(
      fc.constantFrom('-1', 'NaN', '1e309', '9'.repeat(400), '0x10', '', ' 3 ', '<x/>', '&amp;'),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(field, field, fc.nat(10), (p, v, n) =>
        typedOrCounts(
          `<response><returncode>SUCCESS</returncode><meetings>${`<meeting><participantCount>${p}</participantCount><videoCount>${v}</videoCount></meeting>`.repeat(n)}</meetings></response>`,
        ),
      ),
      { numRuns: 100 },
    );
  });

  it('answers counts or a typed error for deep nesting, entities and an enormous answer', () => {
    typedOrCounts(`${'<a>'.repeat(5_000)}${'</a>'.repeat(5_000)}`);
    typedOrCounts(
      `<!DOCTYPE r [<!ENTITY a "${'x'.repeat(100)}"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><response><returncode>&b;</returncode></response>`,
    );
    typedOrCounts(
      GOOD.replace(
        '<meetings>',
        `<meetings>${'<meeting><participantCount>1</participantCount></meeting>'.repeat(5_000)}`,
      ),
    );
  });
});
