import { useCallback, useEffect, useState } from 'react';
import type { ModelInfo } from '@contract/index';
import { api } from '../api/client';
import { toastError } from '../stores/toasts';

const css = `
.models-list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; max-height: 420px; overflow-y: auto; }
.model-row { display: grid; grid-template-columns: minmax(0, 1.4fr) auto auto minmax(160px, 1fr); gap: 12px; align-items: center; padding: 8px 4px; border-top: 1px solid var(--border); }
.model-row:first-child { border-top: 0; }
.model-row .mname { font-family: var(--mono); font-size: 12.5px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.model-row .mcount { font-size: 12px; color: var(--text-muted); white-space: nowrap; }
.model-row.nc .mname { color: var(--bad); }
.model-row input[type='text'] { width: 100%; font-size: 13px; padding: 5px 8px; }
.model-kind { display: inline-block; font-size: 11px; padding: 1px 8px; border-radius: 999px; background: var(--bg-sunken); color: var(--text-muted); margin-left: 8px; font-family: var(--font, inherit); }
.model-nc { display: inline-flex; gap: 6px; align-items: center; font-size: 13px; white-space: nowrap; cursor: pointer; }
.model-nc input { accent-color: var(--bad); width: 15px; height: 15px; margin: 0; }
.models-hint { margin: 0 0 10px; font-size: 13px; }
`;

const kindLabel: Record<ModelInfo['kind'], string> = {
  checkpoint: 'checkpoint',
  lora: 'LoRA',
  vae: 'VAE',
  upscaler: 'upscaler',
  other: 'other',
};

/** The license note saves on blur or Enter, never per key. */
function NoteField({ model, onSave }: { model: ModelInfo; onSave: (note: string | null) => void }) {
  const [v, setV] = useState(model.licenseNote ?? '');
  useEffect(() => setV(model.licenseNote ?? ''), [model.licenseNote]);
  const commit = () => v.trim() !== (model.licenseNote ?? '') && onSave(v.trim() || null);
  return (
    <input
      type="text"
      aria-label={`License of ${model.name}`}
      placeholder="License, e.g. CC BY-NC 4.0"
      value={v}
      onChange={(e) => setV(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => e.key === 'Enter' && commit()}
    />
  );
}

/**
 * The models and LoRAs behind the creator's AI images, with what their licenses allow. In a pack
 * (packId) it lists what that pack's assets were made with and hides itself when none name a
 * model; in Settings, everything the Library knows. Marking one non-commercial makes the pack
 * check block commercial packs that hold its output.
 */
export function ModelLicenses({ packId, onChange }: { packId?: string; onChange?: () => void }) {
  const [models, setModels] = useState<ModelInfo[] | null>(null);
  const [search, setSearch] = useState('');
  const load = useCallback(() => {
    api
      .call('models.list', { packId, search: search.trim() || undefined })
      .then(setModels)
      .catch((err: unknown) => toastError('Could not load the models', err));
  }, [packId, search]);
  useEffect(() => {
    load();
    const offModels = api.on('models.changed', load);
    const offPacks = api.on('packs.changed', (p) => p.packId === packId && load());
    return () => {
      offModels();
      offPacks();
    };
  }, [load, packId]);

  const save = async (
    m: ModelInfo,
    patch: { nonCommercial?: boolean; licenseNote?: string | null },
  ) => {
    const replace = (next: ModelInfo) =>
      setModels(
        (list) =>
          list?.map((x) =>
            x.matchKey === next.matchKey ? { ...next, assetCount: x.assetCount } : x,
          ) ?? null,
      );
    // Shown at once, as a checkbox should; put back if the save fails.
    replace({ ...m, ...patch });
    try {
      replace(
        await api.call('models.setLicense', {
          name: m.name,
          kind: m.kind,
          nonCommercial: patch.nonCommercial ?? m.nonCommercial,
          ...('licenseNote' in patch ? { licenseNote: patch.licenseNote } : {}),
        }),
      );
      onChange?.();
    } catch (err) {
      replace(m);
      toastError(`Could not save ${m.name}`, err);
    }
  };

  // A pack without AI images naming a model has nothing to show here.
  if (packId && (!models || models.length === 0)) return null;
  const flagged = models?.filter((m) => m.nonCommercial).length ?? 0;
  return (
    <section
      className="card"
      aria-labelledby={`models-title-${packId ?? 'library'}`}
      data-testid="model-licenses"
    >
      <style>{css}</style>
      <div className="card-header">
        <h2 id={`models-title-${packId ?? 'library'}`}>
          {packId ? 'Models used' : 'Models and licenses'}{' '}
          {models && (
            <span className="muted" style={{ fontWeight: 400 }}>
              {models.length} ·{' '}
              {flagged ? `${flagged} non-commercial` : 'none marked non-commercial'}
            </span>
          )}
        </h2>
        {!packId && (
          <input
            type="search"
            aria-label="Search models"
            placeholder="Search models"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            style={{ width: 220 }}
          />
        )}
      </div>
      <p className="muted models-hint">
        {packId
          ? 'Read from the generation metadata of this pack’s AI images. Mark a model non-commercial when its license forbids selling what it makes: a commercial pack holding its output cannot be exported.'
          : 'Every model and LoRA your AI images name in their generation metadata. Mark one non-commercial when its license forbids selling what it makes: commercial packs holding its output are then blocked at export.'}
      </p>
      {models === null && <p className="muted">Loading…</p>}
      {models && models.length === 0 && (
        <p className="muted">
          {search
            ? 'No model matches.'
            : 'Models appear here once AI images with generation metadata (A1111, ComfyUI, InvokeAI…) are in your Library.'}
        </p>
      )}
      {models && models.length > 0 && (
        <ul className="models-list" aria-label="Models">
          {models.map((m) => (
            <li
              key={m.matchKey}
              className={`model-row${m.nonCommercial ? ' nc' : ''}`}
              data-model={m.matchKey}
            >
              <span className="mname" title={m.name}>
                {m.name}
                <span className="model-kind">{kindLabel[m.kind]}</span>
              </span>
              <span className="mcount">
                {m.assetCount} {m.assetCount === 1 ? 'asset' : 'assets'}
              </span>
              <label className="model-nc">
                <input
                  type="checkbox"
                  checked={m.nonCommercial}
                  onChange={(e) => void save(m, { nonCommercial: e.target.checked })}
                />
                Non-commercial
              </label>
              <NoteField model={m} onSave={(licenseNote) => void save(m, { licenseNote })} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
