import { useEffect, useRef, useState } from 'react';
import type { AppSettings } from '@contract/index';
import { PageHeader } from '../components/PageHeader';
import { WatchFoldersPanel } from '../components/WatchFoldersPanel';
import { Icon } from '../components/Icon';
import { EnginesPanel } from '../components/EnginesPanel';
import { ModelLicenses } from '../components/ModelLicenses';
import { AccountPanel } from '../accounts/AccountPanel';
import { PeoplePanel } from '../accounts/PeoplePanel';
import { useIsManager, useSession } from '../accounts/session';
import { api } from '../api/client';
import { useSettings } from '../stores/settings';
import { useStatus } from '../stores/status';

function StatusPanel() {
  const { status, loading, refresh } = useStatus();
  return (
    <section className="card" aria-labelledby="status-title" data-testid="status-panel">
      <div className="card-header">
        <h2 id="status-title">
          <Icon name="database" /> Library status
        </h2>
        <button className="button ghost" onClick={() => void refresh()} disabled={loading}>
          <Icon name="refresh" size={15} /> Refresh
        </button>
      </div>
      {status ? (
        <dl className="facts">
          <dt>Version</dt>
          <dd data-testid="status-version">Atelier {status.version}</dd>
          <dt>Assets</dt>
          <dd data-testid="status-assets">{status.assetCount.toLocaleString()}</dd>
          <dt>Data directory</dt>
          <dd className="mono" data-testid="status-datadir">
            {status.dataDir}
          </dd>
          <dt>Database</dt>
          <dd className="mono">{status.databasePath}</dd>
          <dt>Schema</dt>
          <dd data-testid="status-schema">
            version {status.schemaVersion} of {status.latestSchemaVersion}
          </dd>
          <dt>Running as</dt>
          <dd>
            {status.host === 'electron'
              ? 'desktop app'
              : status.host === 'serve'
                ? 'server (browser)'
                : 'command line'}{' '}
            · Node {status.node} · {status.platform}
          </dd>
        </dl>
      ) : (
        <p className="muted">Loading…</p>
      )}
    </section>
  );
}

function ProfilePanel() {
  const { settings, update } = useSettings();
  const [draft, setDraft] = useState<AppSettings | null>(settings);
  // Follow saved settings (another window, a save) but never throw away edits in progress.
  const shown = useRef(settings);
  useEffect(() => {
    setDraft((d) =>
      d === null || JSON.stringify(d) === JSON.stringify(shown.current) ? settings : d,
    );
    shown.current = settings;
  }, [settings]);
  if (!draft) return null;
  const dirty = JSON.stringify(draft) !== JSON.stringify(settings);
  return (
    <section className="card" aria-labelledby="profile-title">
      <div className="card-header">
        <h2 id="profile-title">Appearance and seller profile</h2>
      </div>
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void update(draft);
        }}
      >
        <label htmlFor="theme">Theme</label>
        <select
          id="theme"
          value={draft.theme}
          onChange={(e) => setDraft({ ...draft, theme: e.target.value as AppSettings['theme'] })}
        >
          <option value="system">Follow the system</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
        <label htmlFor="owner">Your name or studio</label>
        <input
          id="owner"
          value={draft.ownerName}
          placeholder="Shown as the license holder in your packs"
          onChange={(e) => setDraft({ ...draft, ownerName: e.target.value })}
        />
        <label htmlFor="support">Support contact</label>
        <input
          id="support"
          value={draft.supportContact}
          placeholder="Email or URL buyers can reach you at"
          onChange={(e) => setDraft({ ...draft, supportContact: e.target.value })}
        />
        <span />
        <div>
          <button className="button primary" type="submit" disabled={!dirty}>
            Save
          </button>
        </div>
      </form>
    </section>
  );
}

export function SettingsPage() {
  const manager = useIsManager();
  const signedInWithAccount = useSession((s) => s.me?.host === 'serve');
  // Members see their own account; folders, engines, people and studio settings are for the
  // owner and admins (the server refuses those calls to members anyway).
  return (
    <div className="page">
      <PageHeader
        title="Settings"
        subtitle={
          manager
            ? 'Where your library lives, and how Atelier presents you to buyers.'
            : 'Your account, and the library you work in.'
        }
      />
      <div className="stack">
        {signedInWithAccount && api.transport === 'http' && <AccountPanel />}
        <StatusPanel />
        {manager && (
          <>
            <WatchFoldersPanel />
            <ProfilePanel />
            <ModelLicenses />
            <EnginesPanel />
            <PeoplePanel />
          </>
        )}
      </div>
    </div>
  );
}
