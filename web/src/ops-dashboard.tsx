import { useCallback, useEffect, useRef, useState } from 'react';
import type { RunEvent } from '@ensemble/contracts';
import { ApiError } from './api.js';
import { explainOps, type Cluster, type OpsSession } from './ops-api.js';
import { CallbacksPanel } from './ops-callbacks.js';
import { applyFleet, applyHealth, applyLoad } from './ops-cluster.js';
import { useOpsEvents } from './ops-events.js';
import { NodeCard } from './ops-node-card.js';
import { RunsPanel } from './ops-runs.js';
import { TenantsPanel } from './ops-tenants.js';
import { ErrorLine } from './error-line.js';

/** A full read now and then, whatever the stream says: it also refreshes load and rooms. */
const REFRESH_MS = 30_000;
/** Bursts of fleet or health events cause one read, not one each. */
const RESYNC_DELAY_MS = 300;

/** The fleet: totals, one card per node (live load and health), provisioning runs, callbacks. */
export function OpsDashboard(props: OpsSession & { operator: string; initial: Cluster; onSignOut: () => void }) {
  const { client, onUnauthorized } = props;
  const [cluster, setCluster] = useState<Cluster>(props.initial);
  const [error, setError] = useState('');
  const [lastRun, setLastRun] = useState<RunEvent | null>(null);
  const resyncTimer = useRef<number | undefined>(undefined);

  const reload = useCallback(async () => {
    try {
      setCluster(await client.cluster());
      setError('');
    } catch (e) {
      if (e instanceof ApiError && e.code === 'unauthorized') onUnauthorized();
      else setError(explainOps(e));
    }
  }, [client, onUnauthorized]);

  const resync = useCallback(() => {
    window.clearTimeout(resyncTimer.current);
    resyncTimer.current = window.setTimeout(() => void reload(), RESYNC_DELAY_MS);
  }, [reload]);

  useEffect(() => {
    const t = window.setInterval(() => void reload(), REFRESH_MS);
    return () => {
      window.clearInterval(t);
      window.clearTimeout(resyncTimer.current);
    };
  }, [reload]);

  const live = useOpsEvents(client, {
    load: (s) => setCluster((c) => applyLoad(c, s)),
    health: (e) => {
      setCluster((c) => applyHealth(c, e));
      resync();
    },
    fleet: (e) => {
      // A node added carries no load view: the resync brings it.
      setCluster((c) => applyFleet(c, e) ?? c);
      resync();
    },
    run: setLastRun,
    resync,
    unauthorized: onUnauthorized,
  });

  const { totals } = cluster;
  return (
    <>
      <div className="heading-row">
        <h1>Fleet</h1>
        <p role="status" className={`live-state ${live}`}>
          {live === 'live' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
        </p>
        <button type="button" className="link" onClick={props.onSignOut}>
          Sign out of ops
        </button>
      </div>
      {props.operator && <p className="note">Changes are recorded as {props.operator}.</p>}
      <ErrorLine error={error} />
      <section className="card" aria-labelledby="totals-h">
        <h2 id="totals-h">Cluster</h2>
        <dl className="totals">
          <Stat label="Nodes" value={totals.nodes} />
          <Stat label="Online" value={totals.online} />
          <Stat label="Taking new rooms" value={totals.placeable} />
          <Stat label="Cordoned" value={totals.states.cordoned} />
          <Stat label="Disabled" value={totals.states.disabled} />
          <Stat label="Meetings" value={totals.meetings} />
          <Stat label="Users" value={totals.participants} />
          <Stat label="Video streams" value={totals.videoStreams} />
          <Stat label="Largest meeting" value={totals.largestMeeting} />
          <Stat label="Rooms" value={totals.rooms} />
        </dl>
      </section>
      <section aria-labelledby="nodes-h">
        <h2 id="nodes-h">Nodes</h2>
        {cluster.nodes.length === 0 ? (
          <p>
            No nodes yet: add one with <code>ensemble nodes add</code>, or scale out below.
          </p>
        ) : (
          cluster.nodes.map((n) => (
            <NodeCard
              key={n.id}
              node={n}
              totalParticipants={totals.participants}
              client={client}
              onChanged={resync}
              onUnauthorized={onUnauthorized}
            />
          ))
        )}
      </section>
      <TenantsPanel client={client} onUnauthorized={onUnauthorized} />
      <RunsPanel client={client} lastEvent={lastRun} onUnauthorized={onUnauthorized} />
      <CallbacksPanel client={client} onUnauthorized={onUnauthorized} />
    </>
  );
}

function Stat(props: { label: string; value: number }) {
  return (
    <div>
      <dt>{props.label}</dt>
      <dd>{props.value}</dd>
    </div>
  );
}
