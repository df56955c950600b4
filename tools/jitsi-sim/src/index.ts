export { JitsiSim, type JitsiSimOptions } from './jitsi-sim.js';
export { JitsiNode, type JitsiNodeOptions } from './jitsi-node.js';
export { CpuCounters, DEFAULT_CPU, type CpuProfile } from './cpu-model.js';
export { renderMetrics } from './metrics-text.js';
export { checkJitsiJwt } from './jwt-check.js';
export { startControlServer, describeNode } from './control.js';
