import { BbbParams } from '../bbb-api/bbb-params.js';
import { callbackUrlParts, withCallbacksRestored, withCallbacksTakenOver } from './callback-params.js';

/** A stand-in for the sealing: readable, so the tests show what went where. */
const wrap = (source: string, url: string) =>
  `https://ens.example/bigbluebutton/callbacks/v1/${source}/v1.${Buffer.from(url).toString('base64url').padEnd(40, 'A')}`;
const unwrap = (_source: string, token: string) =>
  Buffer.from(token.slice(3).replace(/A+$/, ''), 'base64url').toString('utf8');

describe("the integration's callback URLs on their way to the node", () => {
  it('are replaced by Ensemble URLs, meta names in any case, the recording-ready one renamed', () => {
    const params = BbbParams.of([
      ['meetingID', 'm1'],
      ['meta_endCallbackUrl', 'https://lms.example/end?x=1'],
      ['meetingEndedURL', 'https://lb.example/ended'],
      ['meta_Analytics-Callback-Url', 'https://lms.example/analytics'],
      ['meta_bbb-recording-ready-url', 'https://lms.example/ready?token=abc'],
      ['meta_course', 'CS101'],
    ]);
    expect(withCallbacksTakenOver(params, wrap).entries).toEqual([
      ['meetingID', 'm1'],
      ['meta_endCallbackUrl', wrap('end-callback', 'https://lms.example/end?x=1')],
      ['meetingEndedURL', wrap('meeting-ended', 'https://lb.example/ended')],
      ['meta_Analytics-Callback-Url', wrap('analytics', 'https://lms.example/analytics')],
      ['meta_ensemble-recording-ready-url', wrap('recording-ready', 'https://lms.example/ready?token=abc')],
      ['meta_course', 'CS101'],
    ]);
  });

  it('take meetingEndedURL only under its exact name, as BBB reads it', () => {
    const params = BbbParams.of([['meetingendedurl', 'https://lb.example/ended']]);
    expect(withCallbacksTakenOver(params, wrap)).toBe(params);
  });

  it("drop a URL sent under Ensemble's own name, or one pointing at Ensemble's receiver", () => {
    const params = BbbParams.of([
      ['meetingID', 'm1'],
      ['meta_ensemble-recording-ready-url', 'https://elsewhere.example/'],
      ['meta_endCallbackUrl', 'https://ens.example/bigbluebutton/callbacks/v1/end-callback/v1.stolen'],
    ]);
    expect(withCallbacksTakenOver(params, wrap).entries).toEqual([['meetingID', 'm1']]);
  });

  it('leave a create call without one (or with an empty one) as it was', () => {
    const params = BbbParams.of([
      ['meetingID', 'm1'],
      ['meetingEndedURL', ''],
    ]);
    expect(withCallbacksTakenOver(params, wrap)).toBe(params);
  });
});

describe("the integration's callback URLs in the node's answers", () => {
  it('show the URLs it sent, escaped, under their original names', () => {
    const end = wrap('end-callback', 'https://lms.example/end?a=1&b=2');
    const ready = wrap('recording-ready', 'https://lms.example/r');
    const xml = `<metadata><course>CS101</course><endcallbackurl>${end}</endcallbackurl><ensemble-recording-ready-url>${ready}</ensemble-recording-ready-url></metadata>`;
    expect(withCallbacksRestored(xml, unwrap)).toBe(
      '<metadata><course>CS101</course><endcallbackurl>https://lms.example/end?a=1&amp;b=2</endcallbackurl><bbb-recording-ready-url>https://lms.example/r</bbb-recording-ready-url></metadata>',
    );
  });

  it('keep a URL that does not open for this caller as it is', () => {
    const end = wrap('end-callback', 'https://other-tenant.example/end');
    const xml = `<metadata><endcallbackurl>${end}</endcallbackurl></metadata>`;
    expect(withCallbacksRestored(xml, () => undefined)).toBe(xml);
  });

  it('read the source and token of an Ensemble callback URL, and nothing of another URL', () => {
    const url = wrap('analytics', 'https://lms.example/a');
    expect(callbackUrlParts(url)).toEqual({ source: 'analytics', token: url.split('/').at(-1) });
    expect(callbackUrlParts('https://lms.example/a')).toBeUndefined();
  });
});
