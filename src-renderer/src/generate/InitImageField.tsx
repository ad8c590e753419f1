import { useEffect, useRef, useState } from 'react';
import type { GridItem } from '@contract/index';
import { api } from '../api/client';
import { fitSize } from './formLogic';
import { GenIcon } from './GenIcon';
import { useGenerate } from './generateStore';

/** Recent Library images (or a search), to pick one as the init image. */
function AssetChooser({
  onPick,
  onClose,
}: {
  onPick: (item: GridItem) => void;
  onClose: () => void;
}) {
  const [search, setSearch] = useState('');
  const [items, setItems] = useState<GridItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      api
        .call('library.query', {
          filter: { types: ['image'], ...(search.trim() ? { search: search.trim() } : {}) },
          sort: { key: 'added', dir: 'desc' },
          limit: 30,
        })
        .then(
          (page) => live && (setItems(page.items), setError(null)),
          (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
        );
    }, 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [search]);
  return (
    <div
      className="gen-chooser"
      role="group"
      aria-label="Choose an init image"
      data-testid="gen-init-chooser"
      onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), onClose())}
    >
      <div className="gen-chooser-head">
        <div className="gen-search">
          <GenIcon name="search" size={14} />
          <input
            ref={input}
            type="search"
            aria-label="Search the Library's images"
            placeholder="Search the Library’s images"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
          <GenIcon name="x" size={14} />
        </button>
      </div>
      {error && <p className="gen-field-error">{error}</p>}
      {items && items.length === 0 && <p className="gen-hint">No image matches.</p>}
      <div className="gen-chooser-grid">
        {items?.map((it) => (
          <button
            key={it.id}
            type="button"
            className="gen-chooser-item"
            onClick={() => onPick(it)}
            title={it.title || it.filename}
            aria-label={`Use ${it.title || it.filename}`}
          >
            {it.hasThumb ? (
              <img src={api.mediaUrl(it.id, 'thumb-small')} alt="" loading="lazy" />
            ) : (
              <GenIcon name="image" size={20} />
            )}
          </button>
        ))}
      </div>
    </div>
  );
}

/** img2img: an asset as the starting picture, and how much of it to change. */
export function InitImageField({ error }: { error?: string }) {
  const init = useGenerate((s) => s.form.init);
  const update = useGenerate((s) => s.update);
  const [choosing, setChoosing] = useState(false);
  const [broken, setBroken] = useState(false);
  useEffect(() => setBroken(false), [init?.assetId]);
  const pick = (it: GridItem) => {
    update({
      init: {
        assetId: it.id,
        strength: init?.strength ?? 0.75,
        label: it.title || it.filename,
        width: it.width,
        height: it.height,
      },
    });
    setChoosing(false);
  };
  const fitted = init?.width && init.height ? fitSize(init.width, init.height, 1536) : null;
  return (
    <fieldset className={`gen-fieldset${error ? ' has-error' : ''}`} data-testid="gen-init">
      <legend>
        Init image <span className="muted">img2img, optional</span>
      </legend>
      {init ? (
        <div className="gen-init">
          <div className="gen-init-thumb">
            {broken ? (
              <GenIcon name="image" size={22} />
            ) : (
              <img
                src={api.mediaUrl(init.assetId, 'thumb-small')}
                alt={`Init image: ${init.label}`}
                onError={() => setBroken(true)}
                data-testid="gen-init-thumb"
              />
            )}
          </div>
          <div className="gen-init-body">
            <div className="gen-init-name" title={init.label}>
              {init.label}
            </div>
            <label className="gen-init-strength">
              <span>Strength</span>
              <input
                type="range"
                min={0}
                max={1}
                step={0.05}
                value={init.strength}
                onChange={(e) => update({ init: { ...init, strength: Number(e.target.value) } })}
                aria-valuetext={`${Math.round(init.strength * 100)}% changed`}
                data-testid="gen-init-strength"
              />
              <output>{init.strength.toFixed(2)}</output>
            </label>
            <div className="gen-init-actions">
              {fitted && (
                <button
                  type="button"
                  className="gen-link-button"
                  onClick={() => update(fitted)}
                  title="Set the size to this image's shape"
                >
                  Use its shape ({fitted.width}×{fitted.height})
                </button>
              )}
              <button type="button" className="gen-link-button" onClick={() => setChoosing(true)}>
                Change
              </button>
              <button
                type="button"
                className="gen-link-button danger"
                onClick={() => update({ init: null })}
                data-testid="gen-init-remove"
              >
                Remove
              </button>
            </div>
          </div>
        </div>
      ) : (
        !choosing && (
          <button
            type="button"
            className="button"
            onClick={() => setChoosing(true)}
            data-testid="gen-init-choose"
          >
            <GenIcon name="image" size={15} /> Choose from the Library…
          </button>
        )
      )}
      {choosing && <AssetChooser onPick={pick} onClose={() => setChoosing(false)} />}
      {error && (
        <div className="gen-field-error" role="alert">
          {error}
        </div>
      )}
    </fieldset>
  );
}
