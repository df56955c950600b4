export { BbbSim, type BbbSimOptions, randomSecret } from './bbb-sim.js';
export {
  SimNode,
  type SimNodeOptions,
  type SimCall,
  type Fault,
  type FaultMode,
  FAULT_MODES,
  DEFAULT_SLOW_MS,
} from './sim-node.js';
export type { Meeting, Attendee, Role, SeedMeeting } from './meeting-store.js';
export { startControlServer } from './control.js';
export { SUPPORTED_CALLS } from './bbb-api.js';
export { prng, realisticMeetings } from './seed-fleet.js';
export { type Recording, type RecordingState, SIM_FORMAT } from './recording-store.js';
export { type PostPublishRun, type RecordingWorkflowOptions } from './recording-workflow.js';
export { type NodeCallbackCall, type MeetingCallbacksOptions } from './meeting-callbacks.js';
