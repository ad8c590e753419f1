import { useEffect, useState, type FormEvent } from 'react';
import type { ApiTokenInfo } from '@contract/index';
import { api } from '../api/client';
import { Icon } from '../components/Icon';
import { toastError, toastInfo } from '../stores/toasts';
import { useSession } from './session';
import './accounts.css';

/** Served mode: who you are signed in as, your password, your API tokens, signing out. */
export function AccountPanel() {
  const { me, signOut } = useSession();
  const [password, setPassword] = useState('');
  const [tokens, setTokens] = useState<ApiTokenInfo[]>([]);
  const [tokenName, setTokenName] = useState('');
  const [secret, setSecret] = useState<string | null>(null);

  const reload = () => void api.call('tokens.list', {}).then(setTokens, () => undefined);
  useEffect(reload, []);
  if (!me) return null;

  async function changePassword(e: FormEvent) {
    e.preventDefault();
    try {
      await api.call('users.resetPassword', { id: me!.userId!, password });
      setPassword('');
      toastInfo('Password changed: sign in again with the new one.');
    } catch (err) {
      toastError('Could not change the password', err);
    }
  }

  async function createToken(e: FormEvent) {
    e.preventDefault();
    try {
      const made = await api.call('tokens.create', { name: tokenName });
      setSecret(made.token);
      setTokenName('');
      reload();
    } catch (err) {
      toastError('Could not make the token', err);
    }
  }

  const mine = tokens.filter((t) => t.userId === me.userId && !t.revokedAt);
  return (
    <section className="card" aria-labelledby="account-title" data-testid="account-panel">
      <div className="card-header">
        <h2 id="account-title">
          <Icon name="user" /> Your account
        </h2>
        <button className="button ghost" onClick={() => void signOut()}>
          Sign out
        </button>
      </div>
      <dl className="facts">
        <dt>Signed in as</dt>
        <dd data-testid="account-name">{me.name}</dd>
        {me.email && (
          <>
            <dt>Email</dt>
            <dd>{me.email}</dd>
          </>
        )}
        <dt>Role</dt>
        <dd>
          <span className={`role-badge ${me.role}`}>{me.role}</span>{' '}
          <span className="muted">
            {me.role === 'member'
              ? 'curate, generate and build packs'
              : 'manages engines, people, folders and settings'}
          </span>
        </dd>
      </dl>
      {me.email && (
        <form
          className="form-grid"
          style={{ marginTop: 16, gridTemplateColumns: '150px minmax(0, 520px)' }}
          onSubmit={(e) => void changePassword(e)}
        >
          <label htmlFor="new-password">New password</label>
          <div className="account-actions">
            <input
              id="new-password"
              type="password"
              autoComplete="new-password"
              minLength={10}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              placeholder="At least 10 characters"
            />
            <button className="button" type="submit" disabled={password.length < 10}>
              Change password
            </button>
          </div>
        </form>
      )}
      <h3 style={{ margin: '20px 0 6px' }}>API tokens for scripts</h3>
      <p className="muted" style={{ margin: '0 0 8px' }}>
        Send one as <code>Authorization: Bearer …</code> to <code>POST /api/&lt;method&gt;</code>.
      </p>
      {mine.length > 0 && (
        <table className="people-table">
          <tbody>
            {mine.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td className="muted">
                  {t.lastUsedAt ? `used ${new Date(t.lastUsedAt).toLocaleString()}` : 'never used'}
                </td>
                <td className="actions">
                  <button
                    className="button ghost"
                    onClick={() =>
                      void api
                        .call('tokens.revoke', { id: t.id })
                        .then(reload, (err) => toastError('Could not revoke', err))
                    }
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {secret && (
        <div role="status">
          <p className="muted" style={{ margin: '8px 0 0' }}>
            Copy it now: it is not shown again.
          </p>
          <div className="token-secret" data-testid="token-secret">
            {secret}
          </div>
        </div>
      )}
      <form
        className="account-actions"
        style={{ marginTop: 10 }}
        onSubmit={(e) => void createToken(e)}
      >
        <input
          aria-label="Token name"
          placeholder="Name, e.g. render-script"
          value={tokenName}
          maxLength={80}
          onChange={(e) => setTokenName(e.target.value)}
        />
        <button className="button" type="submit" disabled={!tokenName.trim()}>
          New token
        </button>
      </form>
    </section>
  );
}
