/** The BBB API module's Redis keys (the gateway's own; the scheduler's keys are not read here). */
const PREFIX = 'ensemble:gateway:bbb:';

export const keys = {
  /** JSON of the create call of a meeting, so it can be re-created on another node. */
  createParams: (meetingID: string) => `${PREFIX}create:${meetingID}`,
};
