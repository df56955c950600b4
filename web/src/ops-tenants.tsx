import { useCallback, useEffect, useState } from 'react';
import { formatBytes as bytes, type TenantUsage, type TenantView } from '@ensemble/contracts';
import { ApiError } from './api.js';
import { explainOps, type OpsSession } from './ops-api.js';

/** Usage is read again this often while the dashboard is open (and the per-tenant gauges with it). */
const REFRESH_MS = 30_000;

interface Row {
  tenant: TenantView;
  usage: TenantUsage | undefined;
}

/** Tenants (decision 114): each with its usage against its quotas; details (secret ids, policy) on demand. */
export function TenantsPanel(props: OpsSession) {
  const { client, onUnauthorized } = props;
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState<string | null>(null);

  const load = useCallback(async () => {
    setBusy(true);
    try {
      const [tenants, usage] = await Promise.all([client.tenants(), client.tenantsUsage()]);
      const byName = new Map(usage.map((u) => [u.name, u]));
      setRows(tenants.map((t) => ({ tenant: t, usage: byName.get(t.name) })));
      setError('');
    } catch (e) {
      if (e instanceof ApiError && e.code === 'unauthorized') onUnauthorized();
      else setError(explainOps(e));
    } finally {
      setBusy(false);
    }
  }, [client, onUnauthorized]);

  useEffect(() => {
    void load();
    const t = window.setInterval(() => void load(), REFRESH_MS);
    return () => window.clearInterval(t);
  }, [load]);

  const unknown = rows?.some((r) => r.usage?.meetings === null) ?? false;
  return (
    <section className="card" aria-labelledby="tenants-h">
      <div className="heading-row">
        <h2 id="tenants-h">Tenants</h2>
        <button type="button" className="secondary" onClick={() => void load()} disabled={busy}>
          Refresh
        </button>
      </div>
      {error && (
        <p role="status" className="error">
          {error}
        </p>
      )}
      {rows === null ? (
        !error && <p aria-busy="true">Loading tenants…</p>
      ) : (
        <>
          <div className="table-scroll">
            <table className="tenants">
              <caption className="sr-only">Tenants with their usage and quotas</caption>
              <thead>
                <tr>
                  <th scope="col">Tenant</th>
                  <th scope="col">Meetings</th>
                  <th scope="col">Participants</th>
                  <th scope="col">Recordings</th>
                  <th scope="col">Storage</th>
                  <th scope="col">Secrets</th>
                  <th scope="col">Weight</th>
                  <th scope="col">Required tags</th>
                  <th scope="col">
                    <span className="sr-only">Details</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ tenant: t, usage: u }) => (
                  <TenantRow
                    key={t.name}
                    tenant={t}
                    usage={u}
                    open={open === t.name}
                    onToggle={() => setOpen((o) => (o === t.name ? null : t.name))}
                  />
                ))}
              </tbody>
            </table>
          </div>
          {unknown && <p className="note">?: not known now (the scheduler did not answer).</p>}
          <p className="note">
            Add, change and remove tenants with <code>ensemble tenants</code> or the ops API.
          </p>
        </>
      )}
    </section>
  );
}

function TenantRow(props: { tenant: TenantView; usage: TenantUsage | undefined; open: boolean; onToggle: () => void }) {
  const { tenant: t, usage: u } = props;
  const detailsId = `tenant-${t.name}-details`;
  return (
    <>
      <tr>
        <th scope="row">
          {t.name}
          {t.displayName && t.displayName !== t.name && (
            <>
              <br />
              <small>{t.displayName}</small>
            </>
          )}
        </th>
        <td>
          <Quota label={`${t.name} meetings`} value={u?.meetings} max={t.maxMeetings} />
        </td>
        <td>
          <Quota label={`${t.name} participants`} value={u?.participants} max={t.maxParticipants} />
        </td>
        <td>{u ? u.recordings : '?'}</td>
        <td>{u ? bytes(u.storageBytes) : '?'}</td>
        <td>{t.secrets.length === 0 ? <strong className="error">none</strong> : t.secrets.length}</td>
        <td>{t.loadWeight}</td>
        <td>{t.requiredTags.join(', ') || '-'}</td>
        <td>
          <button
            type="button"
            className="link"
            aria-expanded={props.open}
            aria-controls={detailsId}
            onClick={props.onToggle}
          >
            {/* One name whether open or not: aria-expanded tells which. */}
            Details<span className="sr-only"> of {t.name}</span>
          </button>
        </td>
      </tr>
      {props.open && (
        <tr id={detailsId}>
          <td colSpan={9}>
            <TenantDetails tenant={t} />
          </td>
        </tr>
      )}
    </>
  );
}

/** A count against its quota: `3 / 10` and a meter; `?` when not known, no meter without a quota. */
function Quota(props: { label: string; value: number | null | undefined; max: number | null }) {
  const { value, max } = props;
  const known = typeof value === 'number';
  return (
    <>
      {known ? value : '?'}
      {max !== null && ` / ${max}`}
      {known && max !== null && max > 0 && (
        <>
          <br />
          <meter aria-label={`${props.label} of the quota`} min={0} max={max} high={max * 0.9} value={value} />
        </>
      )}
    </>
  );
}

function TenantDetails({ tenant: t }: { tenant: TenantView }) {
  const hasPolicy = Object.keys(t.policy).length > 0;
  return (
    <div className="tenant-details">
      <h3>Secrets of {t.name}</h3>
      {t.secrets.length === 0 ? (
        <p className="error">No secret: its integrations cannot call until one is added.</p>
      ) : (
        <ul>
          {t.secrets.map((s) => (
            <li key={s.id}>
              <code>{s.id}</code>{' '}
              {s.fromConfig
                ? '(from the config: BBB_API_SECRET/S)'
                : `added ${new Date(s.createdAt ?? 0).toLocaleString()}`}
            </li>
          ))}
        </ul>
      )}
      <h3>Parameter policy</h3>
      {hasPolicy ? <pre>{JSON.stringify(t.policy, null, 2)}</pre> : <p>None: create and join as sent.</p>}
    </div>
  );
}
