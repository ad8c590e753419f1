import { useEffect, useState } from 'react';
import type { ProvenanceName, WatchFolderDetail } from '@contract/index';
import { api } from '../api/client';
import { useStatus } from '../stores/status';
import { toastError } from '../stores/toasts';
import { confirmDialog } from './DialogPrompts';
import { EmptyState } from './PageHeader';
import { Icon } from './Icon';
import './WatchFolders.css';

const provenanceLabels: Record<ProvenanceName, string> = {
  unknown: 'Unknown',
  ai_generated: 'AI generated',
  user_provided: 'My own work',
  enhanced: 'Enhanced',
  derived: 'Derived',
};

function useFolders() {
  const [folders, setFolders] = useState<WatchFolderDetail[] | null>(null);
  const refresh = async () => {
    try {
      setFolders(await api.call('watchFolders.details', {}));
    } catch (err) {
      toastError('Could not load watch folders', err);
    }
  };
  useEffect(() => {
    void refresh();
    const offs = [
      api.on('watchFolders.changed', () => void refresh()),
      api.on('status.changed', () => void refresh()),
    ];
    return () => offs.forEach((off) => off());
  }, []);
  return { folders, refresh };
}

function FolderDefaults({ folder, onSaved }: { folder: WatchFolderDetail; onSaved(): void }) {
  const [theme, setTheme] = useState(folder.defaultTheme ?? '');
  const [source, setSource] = useState(folder.defaultSource ?? '');
  const [provenance, setProvenance] = useState<ProvenanceName | ''>(folder.defaultProvenance ?? '');
  const [recursive, setRecursive] = useState(folder.recursive);
  const save = async () => {
    try {
      await api.call('watchFolders.update', {
        id: folder.id,
        defaultTheme: theme.trim() || null,
        defaultSource: source.trim() || null,
        defaultProvenance: provenance || null,
        recursive,
      });
      onSaved();
    } catch (err) {
      toastError('Could not save the folder defaults', err);
    }
  };
  return (
    <form
      className="folder-defaults"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label>
        Theme
        <input value={theme} placeholder="e.g. autumn" onChange={(e) => setTheme(e.target.value)} />
      </label>
      <label>
        Source
        <input
          value={source}
          placeholder="e.g. my camera"
          onChange={(e) => setSource(e.target.value)}
        />
      </label>
      <label>
        Provenance
        <select
          value={provenance}
          onChange={(e) => setProvenance(e.target.value as ProvenanceName | '')}
        >
          <option value="">Detect (AI metadata) / unknown</option>
          {(Object.keys(provenanceLabels) as ProvenanceName[]).map((p) => (
            <option key={p} value={p}>
              {provenanceLabels[p]}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={recursive}
          onChange={(e) => setRecursive(e.target.checked)}
        />{' '}
        Include subfolders
      </label>
      <div className="folder-defaults-actions">
        <span className="muted">Applied to files added from now on.</span>
        <button className="button primary" type="submit">
          Save
        </button>
      </div>
    </form>
  );
}

function FolderRow({ folder, onChanged }: { folder: WatchFolderDetail; onChanged(): void }) {
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const act = async (what: string, fn: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await fn();
      onChanged();
      void useStatus.getState().refresh();
    } catch (err) {
      toastError(what, err);
    } finally {
      setBusy(false);
    }
  };
  const defaults = [
    folder.defaultTheme && `theme ${folder.defaultTheme}`,
    folder.defaultSource && `source ${folder.defaultSource}`,
    folder.defaultProvenance && provenanceLabels[folder.defaultProvenance],
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <li className="watch-folder" data-testid="watch-folder">
      <div className="watch-folder-main">
        <span
          className={`dot ${folder.watchError ? 'dot-bad' : folder.enabled ? 'dot-ok' : 'dot-muted'}`}
          aria-hidden="true"
        />
        <div className="grow">
          <div className="mono">
            {folder.path} {folder.isInbox && <span className="pill">Inbox</span>}
          </div>
          <div className="muted watch-folder-sub">
            {folder.assetCount.toLocaleString()} assets
            {folder.recursive ? '' : ' · top level only'}
            {folder.enabled ? '' : ' · paused'}
            {defaults ? ` · ${defaults}` : ''}
          </div>
          {folder.watchError && <div className="failure-reason">{folder.watchError}</div>}
        </div>
        <div className="watch-folder-actions">
          <button
            className="button ghost"
            disabled={busy}
            onClick={() => setEditing(!editing)}
            aria-expanded={editing}
          >
            Defaults
          </button>
          <button
            className="button ghost"
            disabled={busy || !folder.enabled}
            title="Look for new, changed, moved and deleted files now"
            onClick={() =>
              void act('Rescan failed', () => api.call('watchFolders.rescan', { id: folder.id }))
            }
          >
            <Icon name="refresh" size={15} /> Rescan
          </button>
          <button
            className="button"
            disabled={busy}
            onClick={() =>
              void act('Could not change the folder', () =>
                api.call('watchFolders.update', { id: folder.id, enabled: !folder.enabled }),
              )
            }
          >
            {folder.enabled ? 'Pause' : 'Resume'}
          </button>
          <button
            className="icon-button"
            disabled={busy}
            aria-label={`Stop watching ${folder.path}`}
            title="Stop watching (assets and their curation stay in the library)"
            onClick={() =>
              void confirmDialog({
                title: 'Stop watching this folder?',
                message: `${folder.path}\n\nIts assets stay in your library; the files are not touched.`,
                confirmLabel: 'Stop watching',
              }).then((ok) => {
                if (ok)
                  void act('Could not remove the folder', () =>
                    api.call('watchFolders.remove', { id: folder.id }),
                  );
              })
            }
          >
            <Icon name="close" size={16} />
          </button>
        </div>
      </div>
      {editing && (
        <FolderDefaults
          folder={folder}
          onSaved={() => {
            setEditing(false);
            onChanged();
          }}
        />
      )}
    </li>
  );
}

/** Settings → Watch folders: add, pause/resume, rescan, per-folder defaults, remove. */
export function WatchFoldersPanel() {
  const { folders, refresh } = useFolders();
  const [path, setPath] = useState('');
  const [adding, setAdding] = useState(false);
  const add = async () => {
    if (!path.trim()) return;
    setAdding(true);
    try {
      await api.call('watchFolders.add', { path: path.trim() });
      setPath('');
      await refresh();
      void useStatus.getState().refresh();
    } catch (err) {
      toastError('Could not add the folder', err);
    } finally {
      setAdding(false);
    }
  };
  return (
    <section className="card" aria-labelledby="folders-title" data-testid="watch-folders-panel">
      <div className="card-header">
        <h2 id="folders-title">
          <Icon name="folder" /> Watch folders
        </h2>
      </div>
      {folders && folders.length === 0 && (
        <EmptyState icon={<Icon name="inbox" size={28} />} title="No watched folders yet">
          Files dropped into a watched folder join your library automatically.
        </EmptyState>
      )}
      {folders && folders.length > 0 && (
        <ul className="folder-list" data-testid="watch-folders">
          {folders.map((f) => (
            <FolderRow key={f.id} folder={f} onChanged={() => void refresh()} />
          ))}
        </ul>
      )}
      <form
        className="add-folder"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <input
          value={path}
          onChange={(e) => setPath(e.target.value)}
          placeholder="/path/to/a/folder of renders"
          aria-label="Folder to watch"
          className="grow"
        />
        <button className="button primary" type="submit" disabled={adding || !path.trim()}>
          {adding ? 'Adding…' : 'Watch folder'}
        </button>
      </form>
    </section>
  );
}
