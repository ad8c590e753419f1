import { useEffect, useState } from 'react';
import type { PackExportDefaults } from '@contract/index';
import { api } from '../api/client';
import { toastError } from '../stores/toasts';

/** Settings → Export defaults: what a new pack's exports include (each pack can change it). */
export function ExportDefaults() {
  const [d, setD] = useState<PackExportDefaults | null>(null);
  useEffect(() => {
    api
      .call('packs.exportDefaults', {})
      .then(setD)
      .catch((err) => toastError('Could not load the export defaults', err));
  }, []);
  const save = (patch: Partial<PackExportDefaults>) => {
    if (!d) return;
    setD({ ...d, ...patch });
    api
      .call('packs.setExportDefaults', patch)
      .then(setD)
      .catch((err) => toastError('Could not save the export defaults', err));
  };
  return (
    <section className="card" aria-labelledby="export-defaults-title" data-testid="export-defaults">
      <div className="card-header">
        <h2 id="export-defaults-title">Export defaults</h2>
      </div>
      <p className="muted" style={{ marginTop: 0 }}>
        For new packs; each pack can change them on the Packs page. Prompts, seeds and model names
        are part of your craft: they stay yours unless you choose to share them.
      </p>
      {d && (
        <div className="stack" style={{ gap: 8 }}>
          <label>
            <input
              type="checkbox"
              checked={d.includePrompts}
              onChange={(e) => save({ includePrompts: e.target.checked })}
            />{' '}
            Include prompts in exports (a prompts/ folder and each file’s generator in the manifest)
          </label>
          <label>
            <input
              type="checkbox"
              checked={d.stripMetadata}
              onChange={(e) => save({ stripMetadata: e.target.checked })}
            />{' '}
            Strip generation metadata from files (PNG text, EXIF and XMP, without re-encoding)
          </label>
        </div>
      )}
    </section>
  );
}
