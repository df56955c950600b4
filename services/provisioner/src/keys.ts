/**
 * Every Redis key the provisioner owns, in one place.
 *
 *   <p>lock               string: fencing token of the run holding the provisioning lock (PX expiry)
 *   <p>fence              counter: last fencing token handed out (only grows)
 *   <p>runs               zset run id -> createdAt
 *   <p>run:<id>           string: the run record (JSON, without events)
 *   <p>run:<id>:events    list: the run's events (JSON), capped
 *   <p>nodes              hash node name -> provisioned node (JSON: hostname, ipv4, runId, at; never a secret)
 *   <p>autoscale          hash: rev (counter), state (JSON: windows, cool-down start, idle times, draining nodes)
 *   <p>decisions          list: autoscale decisions (JSON), newest first, capped
 */
export const KEY_PREFIX = 'ens:prov:';

export const keys = {
  lock: `${KEY_PREFIX}lock`,
  fence: `${KEY_PREFIX}fence`,
  runs: `${KEY_PREFIX}runs`,
  run: (id: string) => `${KEY_PREFIX}run:${id}`,
  runEvents: (id: string) => `${KEY_PREFIX}run:${id}:events`,
  nodes: `${KEY_PREFIX}nodes`,
  autoscale: `${KEY_PREFIX}autoscale`,
  decisions: `${KEY_PREFIX}decisions`,
} as const;

/** Events kept per run; older ones are trimmed. */
export const MAX_RUN_EVENTS = 1000;
/** Runs kept; older ones are dropped by the run store. */
export const MAX_RUNS = 500;
/** Autoscale decisions kept (newest first). */
export const MAX_DECISIONS = 500;
