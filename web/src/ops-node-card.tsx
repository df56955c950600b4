import { useEffect, useState } from 'react';
import {
  describeHoldings,
  holdsNothing,
  recordingsAtRisk,
  type NodeHoldings,
  type NodeState,
} from '@ensemble/contracts';
import { ApiError } from './api.js';
import { explainOps, type ClusterNode, type OpsSession } from './ops-api.js';
import { percent } from './ops-cluster.js';

type Action = NodeState | 'panic';

const ACTIONS: Array<[Action, string]> = [
  ['enabled', 'Enable'],
  ['cordoned', 'Cordon'],
  ['disabled', 'Disable'],
  ['panic', 'Panic'],
];

/** The two changes that move people: asked before they are made. */
const CONFIRM: Partial<Record<Action, (id: string) => string>> = {
  disabled: (id) => `Disable ${id}? It takes no rooms any more: its rooms move to other nodes at their next join.`,
  panic: (id) =>
    `Panic ${id}? Every meeting on it ends now and re-creates on another node at its next join. The node is disabled.`,
};

/** One node: state and health badges, live load bars, what it runs, and its state controls. */
export function NodeCard(props: OpsSession & { node: ClusterNode; totalParticipants: number; onChanged: () => void }) {
  const { node: n } = props;
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const s = n.lastSample;
  const users = s?.participants ?? 0;
  const userShare = props.totalParticipants > 0 ? users / props.totalParticipants : 0;

  const act = async (action: Action) => {
    const ask = CONFIRM[action];
    if (ask && !window.confirm(ask(n.id))) return;
    setBusy(true);
    setMessage(null);
    try {
      if (action === 'panic') {
        const r = await props.client.panic(n.id);
        setMessage({
          text:
            `${n.id} disabled: ${count(r.ended, 'meeting')} ended, ${r.failed} failed, ${count(r.released, 'room')} released${r.error ? ` (${r.error})` : ''}.` +
            (recordingsAtRisk(r.atRisk) ? ` Recordings at risk: ${describeHoldings(r.atRisk)}.` : ''),
          error: false,
        });
      } else {
        const node = await props.client.setState(n.id, action);
        setMessage({ text: `${n.id} is now ${node.state}.`, error: false });
      }
      props.onChanged();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'unauthorized') props.onUnauthorized();
      else setMessage({ text: explainOps(e), error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className={`card node ${n.state}`} aria-labelledby={`node-${n.id}`}>
      <div className="node-head">
        <h3 id={`node-${n.id}`}>{n.id}</h3>
        <span className="badge engine">{n.engine === 'bbb' ? 'BBB' : 'Jitsi'}</span>
        <span className={`badge state-${n.state}`}>
          <span className="sr-only">state: </span>
          {n.state}
        </span>
        <span className={`badge health-${n.health}`}>
          <span className="sr-only">health: </span>
          {n.health}
        </span>
      </div>
      <Bar
        label="Users"
        value={userShare}
        marker={n.capacityShare}
        text={
          `${count(users, 'user')} (${percent(userShare)} of the fleet's)` +
          (n.placeable ? `; capacity share ${percent(n.capacityShare)}` : '; takes no new rooms')
        }
      />
      {s?.cpu != null ? <Bar label="CPU" value={s.cpu} text={percent(s.cpu)} /> : null}
      <p className="facts">
        {s?.meetings ?? 0} meetings · largest {s?.largestMeeting ?? 0} · {s?.videoStreams ?? 0} video · {n.rooms} rooms
        · load {n.engine === 'jitsi' ? `${percent(n.load)} CPU` : n.load.toFixed(1)} · ×{n.loadMultiplier}
        {n.version ? ` · v${n.version}` : ''}
        {n.tags.length ? ` · ${n.tags.join(', ')}` : ''}
      </p>
      <p className="note">
        {s
          ? s.reachable
            ? `Polled ${new Date(s.at).toLocaleTimeString()} (${s.latencyMs ?? '?'} ms)`
            : `Last poll failed at ${new Date(s.at).toLocaleTimeString()}: ${s.error ?? 'unreachable'}`
          : 'Not polled yet'}
      </p>
      {n.state !== 'enabled' && <Holdings {...props} />}
      <div className="actions" role="group" aria-label={`State of ${n.id}`}>
        {ACTIONS.map(([action, label]) => (
          <button
            key={action}
            type="button"
            className={action === 'panic' || action === 'disabled' ? 'danger' : 'secondary'}
            disabled={busy || action === n.state}
            aria-label={`${label} ${n.id}`}
            onClick={() => void act(action)}
          >
            {label}
          </button>
        ))}
      </div>
      {message && (
        <p role={message.error ? 'alert' : 'status'} className={message.error ? 'error' : 'note'}>
          {message.text}
        </p>
      )}
    </section>
  );
}

/** How often a leaving node's holdings are asked again (each asks the node and the index). */
const HOLDINGS_REFRESH_MS = 30_000;

/**
 * What a cordoned or disabled node still holds, so its removal or scale-in waits (decision 105):
 * meetings, recordings processing, recordings not yet in storage.
 */
function Holdings(props: OpsSession & { node: ClusterNode }) {
  const id = props.node.id;
  const [h, setH] = useState<NodeHoldings | 'unknown' | null>(null);
  useEffect(() => {
    let live = true;
    const ask = () =>
      props.client.holdings(id).then(
        (x) => live && setH(x),
        () => live && setH('unknown'),
      );
    void ask();
    const timer = setInterval(() => void ask(), HOLDINGS_REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [id, props.client]);
  if (h === null) return null;
  const text =
    h === 'unknown'
      ? 'Removal: what it holds is unknown (could not ask).'
      : holdsNothing(h)
        ? 'Removal: holds nothing, safe to remove.'
        : `Removal waits for: ${describeHoldings(h)}.`;
  return <p className="note holdings">{text}</p>;
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** A labelled bar (0..1), with an optional marker (the node's fair share). */
function Bar(props: { label: string; value: number; marker?: number; text: string }) {
  const width = `${Math.min(100, Math.max(0, props.value * 100))}%`;
  return (
    <div className="bar-row">
      <span className="bar-label">{props.label}</span>
      <div
        className="meter"
        role="meter"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(props.value * 100)}
        aria-valuetext={props.text}
      >
        <div className="fill" style={{ width }} />
        {props.marker ? <div className="marker" style={{ left: `${props.marker * 100}%` }} /> : null}
      </div>
      <span className="bar-text">{props.text}</span>
    </div>
  );
}
