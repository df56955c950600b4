/**
 * The children of a `<recording>` in BBB's getRecordings answer, in BBB's order (its
 * RecMetaResponse): what bbb-sim and the gateway's answers from the index are held to.
 */
export const BBB_RECORDING_ELEMENTS = [
  'recordID',
  'meetingID',
  'internalMeetingID',
  'name',
  'isBreakout',
  'published',
  'state',
  'startTime',
  'endTime',
  'participants',
  'rawSize',
  'metadata',
  'size',
  'playback',
  'data',
] as const;
