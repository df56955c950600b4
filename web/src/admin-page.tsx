import { useEffect, useState, type FormEvent } from 'react';
import {
  REGISTRATION_MODES,
  ROLE_NAMES,
  type AdminRoom,
  type AdminUserView,
  type PermissionName,
  type Permissions,
  type RoleName,
  type RoleView,
  type SiteSettings,
} from '@ensemble/contracts';
import { api, attempt, explain } from './api.js';
import { ErrorLine } from './error-line.js';
import { formText } from './form.js';

const PERMISSIONS: Array<[PermissionName, string]> = [
  ['createRooms', 'Create rooms'],
  ['shareRooms', 'Share rooms'],
  ['manageUsers', 'Manage users and roles'],
  ['manageRooms', 'See all rooms'],
  ['manageRecordings', 'Manage recordings'],
  ['manageSiteSettings', 'Manage site settings'],
];
const REGISTRATION: Record<(typeof REGISTRATION_MODES)[number], string> = {
  open: 'Open: anyone may sign up',
  invite: 'By invitation: nobody signs up themselves',
  approval: 'With approval: an administrator approves each new account',
};

/** The tenant's administration (decision 124): users, roles, site settings, rooms; each as the role allows. */
export function AdminPage({ permissions }: { permissions: Permissions }) {
  return (
    <>
      <h1>Administration</h1>
      {permissions.manageUsers && <Users />}
      {permissions.manageUsers && <Roles />}
      {permissions.manageSiteSettings && <Settings />}
      {permissions.manageRooms && <Rooms />}
    </>
  );
}

function Users() {
  const [users, setUsers] = useState<AdminUserView[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => void api.adminUsers().then(setUsers, (e: unknown) => setError(explain(e))), []);
  const change = (u: AdminUserView, c: { role?: RoleName; approved?: boolean }) =>
    attempt(setError, async () => {
      const updated = await api.updateUser(u.id, c);
      setUsers((us) => us?.map((x) => (x.id === u.id ? updated : x)) ?? null);
    });
  return (
    <section className="card" aria-labelledby="admin-users">
      <h2 id="admin-users">Users</h2>
      <ErrorLine error={error} />
      {users === null ? (
        <p aria-busy="true">Loading…</p>
      ) : (
        <div className="table-scroll">
          <table className="tenants admin-users">
            <caption className="sr-only">Users of this site, their role and approval</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">E-mail</th>
                <th scope="col">Role</th>
                <th scope="col">Approved</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id}>
                  <td>{u.name}</td>
                  <td>{u.email}</td>
                  <td>
                    <select
                      aria-label={`Role of ${u.email}`}
                      value={u.role}
                      onChange={(e) => void change(u, { role: e.target.value as RoleName })}
                    >
                      {ROLE_NAMES.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    {u.approved ? (
                      'yes'
                    ) : (
                      <button type="button" onClick={() => void change(u, { approved: true })}>
                        Approve {u.email}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Roles() {
  const [roles, setRoles] = useState<RoleView[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => void api.roles().then(setRoles, (e: unknown) => setError(explain(e))), []);
  const save = (role: RoleName) => (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const limit = formText(f, 'roomLimit');
    const change = {
      ...Object.fromEntries(PERMISSIONS.map(([p]) => [p, f.has(p)])),
      roomLimit: limit === '' ? null : Number(limit),
    };
    void attempt(setError, async () => {
      const saved = await api.updateRole(role, change);
      setRoles((rs) => rs?.map((r) => (r.name === role ? saved : r)) ?? null);
    });
  };
  return (
    <section className="card" aria-labelledby="admin-roles">
      <h2 id="admin-roles">Roles</h2>
      <ErrorLine error={error} />
      {roles?.map((r) => (
        <form key={r.name} onSubmit={save(r.name)} aria-label={`Permissions of ${r.name}`}>
          <fieldset>
            <legend>{r.name}</legend>
            {PERMISSIONS.map(([p, label]) => (
              <label key={p} className="check">
                <input type="checkbox" name={p} defaultChecked={r[p]} /> {label}
              </label>
            ))}
            <label>
              Room limit (empty: none)
              <input name="roomLimit" type="number" min={0} defaultValue={r.roomLimit ?? ''} />
            </label>
            <button type="submit">Save {r.name}</button>
          </fieldset>
        </form>
      ))}
    </section>
  );
}

function Settings() {
  const [settings, setSettings] = useState<SiteSettings | null>(null);
  const [error, setError] = useState('');
  const [saved, setSaved] = useState('');
  useEffect(() => void api.settings().then(setSettings, (e: unknown) => setError(explain(e))), []);
  const save = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setSaved('');
    void attempt(setError, async () => {
      setSettings(
        await api.updateSettings({
          registration: formText(f, 'registration') as SiteSettings['registration'],
          allowedEmailDomains: formText(f, 'domains')
            .split(/[\s,]+/)
            .filter(Boolean),
          defaultRecordingVisibility: formText(f, 'visibility') as SiteSettings['defaultRecordingVisibility'],
        }),
      );
      setSaved('Saved.');
    });
  };
  return (
    <section className="card" aria-labelledby="admin-settings">
      <h2 id="admin-settings">Site settings</h2>
      <ErrorLine error={error} />
      {settings && (
        <form onSubmit={save} key={JSON.stringify(settings)}>
          <label>
            Registration
            <select name="registration" defaultValue={settings.registration}>
              {REGISTRATION_MODES.map((m) => (
                <option key={m} value={m}>
                  {REGISTRATION[m]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Allowed e-mail domains (comma separated; empty: any)
            <input name="domains" defaultValue={settings.allowedEmailDomains.join(', ')} />
          </label>
          <label>
            Default recording visibility
            <select name="visibility" defaultValue={settings.defaultRecordingVisibility}>
              <option value="public">public: listed on the join page, anyone can watch</option>
              <option value="unlisted">unlisted: anyone with the link can watch</option>
              <option value="protected">protected: short-lived links for the room's owners</option>
              <option value="private">private: the room's owners, signed in</option>
            </select>
          </label>
          <button type="submit">Save settings</button>
          {saved && <p role="status">{saved}</p>}
        </form>
      )}
    </section>
  );
}

function Rooms() {
  const [rooms, setRooms] = useState<AdminRoom[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => void api.adminRooms().then(setRooms, (e: unknown) => setError(explain(e))), []);
  return (
    <section className="card" aria-labelledby="admin-rooms">
      <h2 id="admin-rooms">All rooms</h2>
      <ErrorLine error={error} />
      {rooms?.length === 0 && <p>No rooms yet.</p>}
      <ul>
        {rooms?.map((r) => (
          <li key={r.id}>
            {r.name} ({r.engine}) — {r.owner.name} &lt;{r.owner.email}&gt;
          </li>
        ))}
      </ul>
    </section>
  );
}
