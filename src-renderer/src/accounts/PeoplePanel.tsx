import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { MethodInput, UserInfo, UserRole } from '@contract/index';
import { api } from '../api/client';
import { Icon } from '../components/Icon';
import { toastError } from '../stores/toasts';
import { useSession } from './session';
import './accounts.css';

const roleHelp: Record<UserRole, string> = {
  owner: 'everything, including other owners',
  admin: 'engines, people, folders, settings',
  member: 'curate, generate, build packs',
};

/** Owner and admins: the studio's accounts, roles, GPU quotas; add, disable, re-enable. */
export function PeoplePanel() {
  const me = useSession((s) => s.me);
  const [users, setUsers] = useState<UserInfo[]>([]);
  const [draft, setDraft] = useState({
    email: '',
    name: '',
    role: 'member' as UserRole,
    password: '',
  });

  const reload = useCallback(
    () =>
      void api
        .call('users.list', {})
        .then(setUsers, (err) => toastError('Could not list people', err)),
    [],
  );
  useEffect(() => {
    reload();
    return api.on('accounts.changed', reload);
  }, [reload]);

  const change = async (id: string, patch: Omit<MethodInput<'users.update'>, 'id'>) => {
    try {
      await api.call('users.update', { id, ...patch });
      reload();
    } catch (err) {
      toastError('Could not change the account', err);
    }
  };

  async function add(e: FormEvent) {
    e.preventDefault();
    try {
      await api.call('users.add', {
        email: draft.email,
        role: draft.role,
        password: draft.password,
        ...(draft.name.trim() ? { name: draft.name } : {}),
      });
      setDraft({ email: '', name: '', role: 'member', password: '' });
      reload();
    } catch (err) {
      toastError('Could not add the account', err);
    }
  }

  return (
    <section className="card people" aria-labelledby="people-title" data-testid="people-panel">
      <div className="card-header">
        <h2 id="people-title">
          <Icon name="people" /> People
        </h2>
      </div>
      <p className="muted" style={{ margin: '0 0 12px' }}>
        Who can sign in when Atelier is served to a browser. Members curate, generate and build
        packs; owner and admins also manage engines, people, folders and settings.
      </p>
      <table className="people-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Role</th>
            <th>GPU minutes a day</th>
            <th>Last sign-in</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((u) => {
            const self = u.id === me?.userId;
            return (
              <tr key={u.id} data-testid="person-row" className={u.disabled ? 'muted' : ''}>
                <td>
                  <div>{u.name}</div>
                  <div className="people-email">
                    {u.email ?? (u.hasPassword ? '' : 'this computer’s owner (no password)')}
                  </div>
                </td>
                <td>
                  <select
                    aria-label={`Role of ${u.name}`}
                    value={u.role}
                    disabled={self || (u.role === 'owner' && me?.role !== 'owner')}
                    title={roleHelp[u.role]}
                    onChange={(e) => void change(u.id, { role: e.target.value as UserRole })}
                  >
                    <option value="member">Member</option>
                    <option value="admin">Admin</option>
                    {me?.role === 'owner' && <option value="owner">Owner</option>}
                  </select>
                </td>
                <td>
                  <input
                    aria-label={`GPU minutes a day for ${u.name}`}
                    type="number"
                    min={0}
                    max={1440}
                    style={{ width: 90 }}
                    placeholder="No limit"
                    defaultValue={u.gpuMinutesPerDay ?? ''}
                    onBlur={(e) => {
                      const v = e.target.value.trim();
                      const next = v === '' ? null : Number(v);
                      if (next !== u.gpuMinutesPerDay)
                        void change(u.id, { gpuMinutesPerDay: next });
                    }}
                  />
                </td>
                <td className="muted">
                  {u.lastSignInAt ? new Date(u.lastSignInAt).toLocaleString() : '—'}
                </td>
                <td className="actions">
                  {!self && u.hasPassword && (
                    <button
                      className="button ghost"
                      onClick={() => void change(u.id, { disabled: !u.disabled })}
                    >
                      {u.disabled ? 'Enable' : 'Disable'}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <form className="people-add" onSubmit={(e) => void add(e)} aria-label="Add a person">
        <input
          aria-label="Email"
          type="email"
          required
          placeholder="Email"
          value={draft.email}
          onChange={(e) => setDraft({ ...draft, email: e.target.value })}
        />
        <input
          aria-label="Display name"
          placeholder="Name (optional)"
          value={draft.name}
          onChange={(e) => setDraft({ ...draft, name: e.target.value })}
        />
        <select
          aria-label="Role"
          value={draft.role}
          onChange={(e) => setDraft({ ...draft, role: e.target.value as UserRole })}
        >
          <option value="member">Member</option>
          <option value="admin">Admin</option>
          {me?.role === 'owner' && <option value="owner">Owner</option>}
        </select>
        <input
          aria-label="First password"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          placeholder="First password (10+)"
          value={draft.password}
          onChange={(e) => setDraft({ ...draft, password: e.target.value })}
        />
        <button className="button primary" type="submit">
          Add
        </button>
      </form>
    </section>
  );
}
