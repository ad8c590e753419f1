import { useEffect, useRef, useState } from 'react';
import type { AppSettings } from '@contract/index';
import { PageHeader } from '../components/PageHeader';
import { WatchFoldersPanel } from '../components/WatchFoldersPanel';
import { Icon } from '../components/Icon';
import { EnginesPanel } from '../components/EnginesPanel';
import { ModelLicenses } from '../components/ModelLicenses';
import { ExportDefaults } from '../components/ExportDefaults';
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

/**
 * A text setting that saves as it is typed (a moment after the last key, on leaving the field,
 * and when the page closes): nothing is lost for want of a Save button. It follows saves from
 * elsewhere while it holds no unsaved text.
 */
function AutoSaveField({
  id,
  field,
  placeholder,
}: {
  id: string;
  field: 'ownerName' | 'supportContact';
  placeholder: string;
}) {
  const saved = useSettings((s) => s.settings?.[field] ?? '');
  const [text, setText] = useState(saved);
  const unsaved = useRef<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const flush = useRef(() => {});
  flush.current = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const value = unsaved.current;
    if (value === null) return;
    unsaved.current = null;
    if (value !== useSettings.getState().settings?.[field])
      void useSettings.getState().update({ [field]: value });
  };
  useEffect(() => {
    if (unsaved.current === null) setText(saved);
  }, [saved]);
  useEffect(() => () => flush.current(), []);
  return (
    <input
      id={id}
      value={text}
      placeholder={placeholder}
      onChange={(e) => {
        setText(e.target.value);
        unsaved.current = e.target.value;
        if (timer.current) clearTimeout(timer.current);
        timer.current = setTimeout(() => flush.current(), 600);
      }}
      onBlur={() => flush.current()}
      onKeyDown={(e) => e.key === 'Enter' && flush.current()}
    />
  );
}

function SaveState() {
  const saving = useSettings((s) => s.saving > 0);
  const savedAt = useSettings((s) => s.savedAt);
  const failed = useSettings((s) => s.failed);
  return (
    <span
      className={`muted small settings-save-state${failed ? ' bad' : ''}`}
      role="status"
      aria-live="polite"
      data-testid="settings-save-state"
    >
      {saving
        ? 'Saving…'
        : failed
          ? 'Not saved: the last change was refused'
          : savedAt
            ? 'All changes saved'
            : 'Changes save as you make them'}
    </span>
  );
}

function ProfilePanel() {
  const settings = useSettings((s) => s.settings);
  const update = useSettings((s) => s.update);
  if (!settings) return null;
  return (
    <section className="card" aria-labelledby="profile-title">
      <div className="card-header">
        <h2 id="profile-title">Appearance and seller profile</h2>
        <SaveState />
      </div>
      <form className="form-grid" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="theme">Theme</label>
        <select
          id="theme"
          value={settings.theme}
          onChange={(e) => void update({ theme: e.target.value as AppSettings['theme'] })}
        >
          <option value="system">Follow the system</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
        <label htmlFor="owner">Your name or studio</label>
        <AutoSaveField
          id="owner"
          field="ownerName"
          placeholder="Shown as the license holder in your packs"
        />
        <label htmlFor="support">Support contact</label>
        <AutoSaveField
          id="support"
          field="supportContact"
          placeholder="Email or URL buyers can reach you at"
        />
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
            <ExportDefaults />
            <ModelLicenses />
            <EnginesPanel />
            <PeoplePanel />
          </>
        )}
      </div>
    </div>
  );
}
