/**
 * The Redis keys the provisioner kept its records under before PostgreSQL (decision 093),
 * read only by the import. Frozen: they describe data written by the old version.
 *
 *   ens:prov:runs              zset run id -> createdAt
 *   ens:prov:run:<id>          string: the run record (JSON, without events)
 *   ens:prov:run:<id>:events   list: the run's events (JSON), oldest first, capped at 1000
 *   ens:prov:nodes             hash node name -> provisioned node (JSON: name, hostname, ipv4, runId, at)
 *   ens:prov:autoscale         hash: rev, state (JSON)
 *   ens:prov:decisions         list: autoscale decisions (JSON), newest first, capped at 500
 *   ens:prov:lock, ens:prov:fence   the old run lock: not copied (PostgreSQL holds it now)
 */
export const OLD_PREFIX = 'ens:prov:';

export const oldKeys = {
  runs: `${OLD_PREFIX}runs`,
  run: (id: string) => `${OLD_PREFIX}run:${id}`,
  runEvents: (id: string) => `${OLD_PREFIX}run:${id}:events`,
  nodes: `${OLD_PREFIX}nodes`,
  autoscale: `${OLD_PREFIX}autoscale`,
  decisions: `${OLD_PREFIX}decisions`,
} as const;
