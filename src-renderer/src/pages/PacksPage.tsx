import { useEffect, useState } from 'react';
import type { PackSummary } from '@contract/index';
import { licenseLabels, licenseTypes, type PackLicenseType } from '@contract/licenses';
import { api } from '../api/client';
import { confirmDialog } from '../components/DialogPrompts';
import { EmptyState, PageHeader } from '../components/PageHeader';
import { Icon } from '../components/Icon';
import { PackAddAssets } from '../components/PackAddAssets';
import { formatBytes, PackAssetList } from '../components/PackAssetList';
import { ModelLicenses } from '../components/ModelLicenses';
import { PackChecks } from '../components/PackChecks';
import { PackExportPanel } from '../components/PackExportPanel';
import { PackMarketing } from '../components/PackMarketing';
import { PackRename } from '../components/PackRename';
import { PackStyles } from '../components/PackStyles';
import { usePacks } from '../stores/packs';

function PackCard({
  pack,
  active,
  onClick,
}: {
  pack: PackSummary;
  active: boolean;
  onClick: () => void;
}) {
  return (
    <button
      className={`pack-card${active ? ' active' : ''}`}
      onClick={onClick}
      data-pack-id={pack.id}
    >
      <span className="pack-cover">
        {pack.coverAssetId ? (
          <img src={api.mediaUrl(pack.coverAssetId, 'thumb-small')} alt="" />
        ) : (
          <Icon name="packs" size={22} />
        )}
      </span>
      <span style={{ minWidth: 0 }}>
        <div className="name">{pack.name}</div>
        <div className="meta">
          {pack.assetCount} {pack.assetCount === 1 ? 'asset' : 'assets'} ·{' '}
          {formatBytes(pack.totalSizeBytes)} · v{pack.version}
        </div>
        <div className="meta">
          {licenseLabels[pack.licenseType]} ·{' '}
          {pack.exportedAt
            ? `exported ${new Date(pack.exportedAt).toLocaleDateString()}`
            : 'not exported'}
        </div>
      </span>
    </button>
  );
}

/** A text field that saves on blur (or Enter), so typing never fires a request per key. */
function Field({
  value,
  onSave,
  label,
  multiline,
  placeholder,
}: {
  value: string;
  onSave: (v: string) => void;
  label: string;
  multiline?: boolean;
  placeholder?: string;
}) {
  const [v, setV] = useState(value);
  useEffect(() => setV(value), [value]);
  const commit = () => v !== value && onSave(v);
  return multiline ? (
    <textarea
      className="wide"
      aria-label={label}
      value={v}
      placeholder={placeholder}
      onChange={(e) => setV(e.target.value)}
      onBlur={commit}
    />
  ) : (
    <input
      aria-label={label}
      value={v}
      placeholder={placeholder}
      onChange={(e) => setV(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => e.key === 'Enter' && commit()}
    />
  );
}

/**
 * The pack's own LICENSE.txt: starts from its licence type's template; {{HOLDER}}, {{SUPPORT}},
 * {{YEAR}}, {{PACK_NAME}} and {{PACK_VERSION}} are filled in at export.
 */
function LicenseEditor({ pack, onClose }: { pack: PackSummary; onClose: () => void }) {
  const { update } = usePacks.getState();
  const [text, setText] = useState<string | null>(null);
  useEffect(() => {
    api
      .call('packs.licenseText', { packId: pack.id })
      .then((r) => setText(r.source))
      .catch(() => setText(''));
  }, [pack.id]);
  if (text === null) return <p className="muted">Loading…</p>;
  return (
    <div className="pack-license-editor">
      <textarea
        aria-label="Licence text"
        className="mono"
        value={text}
        onChange={(e) => setText(e.target.value)}
        rows={14}
      />
      <div className="pack-export-row">
        <button
          className="button primary"
          onClick={() => void update({ licenseText: text }).then(onClose)}
        >
          Save licence text
        </button>
        {pack.licenseText && (
          <button
            className="button ghost"
            onClick={() => void update({ licenseText: null }).then(onClose)}
          >
            Back to the {licenseLabels[pack.licenseType]} template
          </button>
        )}
        <button className="button ghost" onClick={onClose}>
          Cancel
        </button>
        <span className="muted pack-note">
          {'{{HOLDER}} {{SUPPORT}} {{YEAR}} {{PACK_NAME}} {{PACK_VERSION}}'} are filled in at
          export.
        </span>
      </div>
    </div>
  );
}

function PackFields({ pack }: { pack: PackSummary }) {
  const { update } = usePacks.getState();
  const [showLicense, setShowLicense] = useState(false);
  const [editing, setEditing] = useState(false);
  const [license, setLicense] = useState<string>('');
  useEffect(() => {
    // The checks' "Edit licence text" opens the editor.
    const open = () => {
      setShowLicense(false);
      setEditing(true);
    };
    window.addEventListener('atelier:edit-license', open);
    return () => window.removeEventListener('atelier:edit-license', open);
  }, []);
  useEffect(() => {
    if (!showLicense) return;
    api
      .call('packs.licenseText', { packId: pack.id })
      .then((r) => setLicense(r.text))
      .catch(() => setLicense('Could not render the license.'));
  }, [showLicense, pack.id, pack.licenseType, pack.name, pack.version, pack.licenseText]);
  return (
    <section className="card">
      <div className="pack-fields">
        <label>Name</label>
        <Field
          label="Name"
          value={pack.name}
          onSave={(name) => name.trim() && void update({ name: name.trim() })}
        />
        <label>Slug</label>
        <Field
          label="Slug"
          value={pack.slug}
          onSave={(slug) => void update({ slug: slug.trim() })}
        />
        <label>Theme</label>
        <Field
          label="Theme"
          value={pack.theme ?? ''}
          placeholder="fantasy, sci-fi…"
          onSave={(theme) => void update({ theme: theme.trim() || null })}
        />
        <label>Version</label>
        <Field
          label="Version"
          value={pack.version}
          onSave={(version) => void update({ version: version.trim() })}
        />
        <label>License</label>
        <div className="pack-export-row" style={{ gridColumn: '2 / span 3' }}>
          <select
            aria-label="License"
            value={pack.licenseType}
            onChange={(e) => void update({ licenseType: e.target.value as PackLicenseType })}
          >
            {licenseTypes.map((t) => (
              <option key={t} value={t}>
                {licenseLabels[t]}
              </option>
            ))}
          </select>
          <button className="button ghost" onClick={() => setShowLicense(!showLicense)}>
            {showLicense ? 'Hide LICENSE.txt' : 'Preview LICENSE.txt'}
          </button>
          <button
            className="button ghost"
            onClick={() => {
              setShowLicense(false);
              setEditing(!editing);
            }}
          >
            {pack.licenseText ? 'Edit own licence text' : 'Edit licence text'}
          </button>
          {pack.licenseText && <span className="pill">own text</span>}
        </div>
        <label>Description</label>
        <Field
          label="Description"
          multiline
          value={pack.description}
          placeholder="What buyers get, and what it is good for."
          onSave={(description) => void update({ description })}
        />
      </div>
      {showLicense && <pre className="pack-license">{license}</pre>}
      {editing && <LicenseEditor pack={pack} onClose={() => setEditing(false)} />}
    </section>
  );
}

export function PacksPage() {
  const packs = usePacks((s) => s.packs);
  const loaded = usePacks((s) => s.loaded);
  const selectedId = usePacks((s) => s.selectedId);
  const assets = usePacks((s) => s.assets);
  const { load, select, create, remove } = usePacks.getState();
  const [adding, setAdding] = useState(false);
  const [renaming, setRenaming] = useState(false);
  const [newName, setNewName] = useState('');
  useEffect(() => {
    void load();
  }, [load]);
  const pack = packs.find((p) => p.id === selectedId) ?? null;

  const newPack = (
    <form
      className="pack-export-row"
      onSubmit={(e) => {
        e.preventDefault();
        if (newName.trim()) void create(newName.trim()).then(() => setNewName(''));
      }}
    >
      <input
        placeholder="New pack name"
        value={newName}
        onChange={(e) => setNewName(e.target.value)}
        aria-label="New pack name"
      />
      <button className="button primary" type="submit" disabled={!newName.trim()}>
        New pack
      </button>
    </form>
  );

  return (
    <div className="page" style={{ maxWidth: 1280 }}>
      <PackStyles />
      <PageHeader
        title="Packs"
        subtitle="Bundles of your best work, ready to sell."
        actions={newPack}
      />
      {loaded && packs.length === 0 && (
        <EmptyState icon={<Icon name="packs" size={32} />} title="No packs yet">
          Name a pack above, then add approved assets from the Library. Exports come out as
          marketplace-ready ZIPs with README, LICENSE, previews and checksums.
        </EmptyState>
      )}
      {packs.length > 0 && (
        <div className="packs-layout">
          <div className="packs-list" aria-label="Packs">
            {packs.map((p) => (
              <PackCard
                key={p.id}
                pack={p}
                active={p.id === selectedId}
                onClick={() => void select(p.id)}
              />
            ))}
          </div>
          {pack ? (
            <div className="pack-editor">
              <PackFields key={pack.id} pack={pack} />
              <section className="card">
                <div className="card-header">
                  <h2>
                    Assets{' '}
                    <span className="muted" style={{ fontWeight: 400 }}>
                      {assets.length} · {formatBytes(pack.totalSizeBytes)}
                    </span>
                  </h2>
                  <div className="pack-export-row">
                    <button className="button" onClick={() => setAdding(true)}>
                      Add assets
                    </button>
                    <button
                      className="button ghost"
                      disabled={assets.length === 0}
                      onClick={() => setRenaming(!renaming)}
                    >
                      Rename all…
                    </button>
                    <button
                      className="button ghost"
                      onClick={() =>
                        void confirmDialog({
                          title: 'Delete pack',
                          message: `Move "${pack.name}" to the trash? Its exported ZIPs stay on disk.`,
                          confirmLabel: 'Delete pack',
                          danger: true,
                        }).then((ok) => {
                          if (ok) void remove(pack.id);
                        })
                      }
                    >
                      Delete pack
                    </button>
                  </div>
                </div>
                {renaming && (
                  <PackRename key={pack.id} pack={pack} onClose={() => setRenaming(false)} />
                )}
                <PackAssetList pack={pack} />
              </section>
              <PackMarketing pack={pack} />
              <PackChecks />
              <ModelLicenses
                key={`models-${pack.id}`}
                packId={pack.id}
                onChange={() => void usePacks.getState().check()}
              />
              <PackExportPanel key={pack.id} pack={pack} />
            </div>
          ) : (
            <p className="muted">Choose a pack.</p>
          )}
        </div>
      )}
      {adding && pack && <PackAddAssets packId={pack.id} onClose={() => setAdding(false)} />}
    </div>
  );
}
