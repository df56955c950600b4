import { BbbParams } from '../bbb-api/bbb-params.js';
import { withRecordingReadyRestored, withRecordingReadyTakenOver } from './recording-ready-param.js';

describe("the integration's recording-ready URL on its way to the node", () => {
  it("reaches the node under Ensemble's name, so BBB's own script never calls it", () => {
    const params = BbbParams.of([
      ['meetingID', 'm1'],
      ['meta_bbb-recording-ready-url', 'https://lms.example/ready?token=abc'],
      ['meta_course', 'CS101'],
    ]);
    expect(withRecordingReadyTakenOver(params).entries).toEqual([
      ['meetingID', 'm1'],
      ['meta_course', 'CS101'],
      ['meta_ensemble-recording-ready-url', 'https://lms.example/ready?token=abc'],
    ]);
  });

  it("drops a URL an integration sends under Ensemble's own name", () => {
    const params = BbbParams.of([
      ['meetingID', 'm1'],
      ['meta_ensemble-recording-ready-url', 'https://elsewhere.example/'],
    ]);
    expect(withRecordingReadyTakenOver(params).entries).toEqual([['meetingID', 'm1']]);
  });

  it('leaves a create call without one as it was', () => {
    const params = BbbParams.of([['meetingID', 'm1']]);
    expect(withRecordingReadyTakenOver(params)).toBe(params);
  });

  it("shows it under its original name in the node's answers", () => {
    const xml =
      '<metadata><course>CS101</course><ensemble-recording-ready-url>https://lms.example/r</ensemble-recording-ready-url></metadata>';
    expect(withRecordingReadyRestored(xml)).toBe(
      '<metadata><course>CS101</course><bbb-recording-ready-url>https://lms.example/r</bbb-recording-ready-url></metadata>',
    );
  });
});
