import { GenIcon } from './GenIcon';
import { useGenerate } from './generateStore';
import { countText, usePreview, usePreviewView } from './previewStore';

const SHOWN_BATCHES = 5;

/**
 * Under the prompt, as it is typed: what it expands to ("4 batches · 96 images"), the first
 * prompt of each batch, and the server's errors (red) and warnings in its own words. Nothing
 * for a prompt without expansion syntax.
 */
export function ExpansionPreview() {
  const view = usePreviewView();
  const count = useGenerate((s) => s.form.count);
  const failure = usePreview((s) => s.failure);
  const p = view.preview;
  if (!p || !view.expanded) {
    return failure && view.fresh ? (
      <p className="gen-hint" data-testid="gen-preview-failure">
        The expansion preview is not available: {failure}
      </p>
    ) : null;
  }
  const batches = p.batches.filter((b) => b.first);
  const shown = batches.slice(0, SHOWN_BATCHES);
  const failed = p.errors.length > 0 || !p.ok;
  return (
    <div
      className={`gen-preview${view.fresh ? '' : ' stale'}${failed ? ' failed' : ''}`}
      data-testid="gen-preview"
      aria-live="polite"
      aria-busy={!view.fresh}
    >
      {failed ? (
        <ul className="gen-preview-errors" role="alert">
          {p.errors.map((e) => (
            <li key={e} data-testid="gen-preview-error">
              <GenIcon name="warning" size={13} />
              <span>{e}</span>
            </li>
          ))}
          {p.errors.length === 0 && (
            <li data-testid="gen-preview-error">The prompt does not expand.</li>
          )}
        </ul>
      ) : (
        <>
          <div className="gen-preview-head">
            <GenIcon name="layers" size={14} />
            <strong data-testid="gen-preview-count">{countText(p, count)}</strong>
            {p.dryRun && <span className="gen-badge warn">dry run</span>}
            {p.truncated && <span className="gen-badge warn">cut at the limit</span>}
          </div>
          {shown.length > 0 && (
            <ol className="gen-preview-batches" aria-label="The first prompt of each batch">
              {shown.map((b) => (
                <li
                  key={b.index}
                  data-testid="gen-preview-batch"
                  data-batch={b.index}
                  title={`${b.first!.prompt}${b.first!.negative ? `\nNegative: ${b.first!.negative}` : ''}`}
                >
                  <span className="gen-preview-tag">
                    {batches.length > 1 ? `Batch ${b.index}` : 'First'}
                    <span className="muted"> · {b.count.toLocaleString()}</span>
                  </span>
                  <span className="gen-preview-prompt" data-testid="gen-preview-prompt">
                    {b.first!.prompt}
                  </span>
                </li>
              ))}
            </ol>
          )}
          {batches.length > SHOWN_BATCHES && (
            <p className="gen-hint">
              and {(batches.length - SHOWN_BATCHES).toLocaleString()} more{' '}
              {batches.length - SHOWN_BATCHES === 1 ? 'batch' : 'batches'}
            </p>
          )}
        </>
      )}
      {p.warnings.length > 0 && (
        <ul className="gen-preview-warnings">
          {p.warnings.slice(0, 6).map((w) => (
            <li key={w} data-testid="gen-preview-warning">
              {w}
            </li>
          ))}
          {p.warnings.length > 6 && <li>…and {p.warnings.length - 6} more</li>}
        </ul>
      )}
    </div>
  );
}

/** Under the negative prompt: the presets the order appends, and the switch to leave them out. */
export function NegativePresetsRow() {
  const off = useGenerate((s) => s.form.noNegativePresets);
  const update = useGenerate((s) => s.update);
  const view = usePreviewView();
  const presets = view.preview?.negativePresets ?? [];
  return (
    <div className="gen-presets-row">
      <label className="gen-check">
        <input
          type="checkbox"
          checked={!off}
          onChange={(e) => update({ noNegativePresets: !e.target.checked })}
          data-testid="gen-presets-toggle"
        />
        Add negative presets
      </label>
      {!off && presets.length > 0 && (
        <span className="gen-tip-wrap">
          <button
            type="button"
            className="gen-presets-chip"
            aria-describedby="gen-presets-tip"
            data-testid="gen-presets-chip"
          >
            + {presets.length} {presets.length === 1 ? 'preset' : 'presets'}
          </button>
          <span
            role="tooltip"
            id="gen-presets-tip"
            className="gen-tip"
            data-testid="gen-presets-tip"
          >
            <strong>Appended to the negative prompt, in this order</strong>
            <ol>
              {presets.map((t, i) => (
                <li key={i}>{t}</li>
              ))}
            </ol>
          </span>
        </span>
      )}
      {!off && view.preview && presets.length === 0 && (
        <span className="gen-hint" data-testid="gen-presets-none">
          none for this model
        </span>
      )}
    </div>
  );
}
