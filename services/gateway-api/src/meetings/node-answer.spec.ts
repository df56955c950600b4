import { listItems, readNodeXml, returncodeOf } from './node-answer.js';

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
    ['an unknown returncode', '<response><returncode>MAYBE</returncode></response>'],
    ['empty', ''],
  ])('refuses %s', (_what, body) => {
    expect(readNodeXml(body)).toBeUndefined();
    expect(listItems(body, 'meetings', 'meeting')).toBeUndefined();
  });

  it('reads the returncode from the head of an answer, and from a parse when it is not first', () => {
    expect(returncodeOf('<?xml version="1.0"?>\n<response>\n<returncode>SUCCESS</returncode>\n<recordings/>')).toBe(
      'SUCCESS',
    );
    expect(returncodeOf('<response><messageKey>x</messageKey><returncode>FAILED</returncode></response>')).toBe(
      'FAILED',
    );
    expect(returncodeOf('<response><x>1</x></response>')).toBeUndefined();
    expect(returncodeOf('<!DOCTYPE html><html><body>500</body></html>')).toBeUndefined();
  });
});
