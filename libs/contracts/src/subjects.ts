import type { Engine } from './contracts/common.schema.js';
import type { FleetChange } from './contracts/fleet.schema.js';

/** Every NATS subject Ensemble uses, defined once. Ids are single tokens (validated). */
export const subjects = {
  load: (engine: Engine, nodeId: string) => `ensemble.load.${engine}.${nodeId}`,
  loadAll: 'ensemble.load.>',
  nodeHealth: (nodeId: string) => `ensemble.node.${nodeId}.health`,
  nodeHealthAll: 'ensemble.node.*.health',
  fleetNode: (change: FleetChange) => `ensemble.fleet.node.${change}`,
  fleetNodeAll: 'ensemble.fleet.node.*',
  place: 'ensemble.scheduler.place',
  end: 'ensemble.scheduler.end',
  locate: 'ensemble.scheduler.locate',
  sign: 'ensemble.fleet.sign',
  registerNode: 'ensemble.fleet.register',
  resolveRecordingToken: 'ensemble.fleet.recording-token',
  updateNode: 'ensemble.fleet.update',
  removeNode: 'ensemble.fleet.remove',
  listNodes: 'ensemble.fleet.list',
  pollTargets: 'ensemble.fleet.targets',
  panic: 'ensemble.fleet.panic',
  nodeHoldings: 'ensemble.fleet.holdings',
  tenantUsage: 'ensemble.fleet.tenant-usage',
  recordingsStored: 'ensemble.recordings.stored',
  suspectNode: 'ensemble.scheduler.node.suspect',
  scaleOut: 'ensemble.provision.scaleout',
  run: (runId: string) => `ensemble.provision.run.${runId}`,
  runAll: 'ensemble.provision.run.*',
  scaleIn: 'ensemble.provision.scalein',
  listRuns: 'ensemble.provision.runs.list',
  getRun: 'ensemble.provision.runs.get',
  autoscaleDecision: 'ensemble.provision.decision',
} as const;
