import { familyName, modelRef } from '../models/labels';
import { NumberField } from './fields';
import { sizesFor } from './formLogic';
import { GenIcon } from './GenIcon';
import { useGenerate } from './generateStore';

/** "512×768 portrait" → "Portrait": the size is shown beside it already. */
function presetName(label: string): string {
  const name = label.replace(/^\s*\d+\s*[×x]\s*\d+\s*/, '').trim();
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Presets for the model's family (from generate.options), and any W × H in multiples of 8. */
export function SizeField({ errors }: { errors: { width?: string; height?: string } }) {
  const width = useGenerate((s) => s.form.width);
  const height = useGenerate((s) => s.form.height);
  const options = useGenerate((s) => s.options);
  const model = useGenerate((s) => s.form.model);
  const family = useGenerate(
    (s) => s.checkpoints?.find((m) => modelRef(m) === model)?.family ?? null,
  );
  const update = useGenerate((s) => s.update);
  const presets = sizesFor(options, family);
  const error = errors.width ?? errors.height;
  return (
    <fieldset className={`gen-fieldset${error ? ' has-error' : ''}`}>
      <legend>
        Size{' '}
        <span className="muted">
          {family && family !== 'unknown' ? `for ${familyName(family)}` : ''}
        </span>
      </legend>
      <div className="gen-presets" role="group" aria-label="Size presets">
        {presets.map((p) => {
          const on = p.width === width && p.height === height;
          return (
            <button
              key={`${p.width}x${p.height}`}
              type="button"
              className={`gen-preset${on ? ' on' : ''}`}
              aria-pressed={on}
              onClick={() => update({ width: p.width, height: p.height })}
              data-testid="gen-size-preset"
              data-size={`${p.width}x${p.height}`}
            >
              <span
                className="gen-preset-shape"
                aria-hidden="true"
                style={{
                  width: Math.round((14 * p.width) / Math.max(p.width, p.height)),
                  height: Math.round((14 * p.height) / Math.max(p.width, p.height)),
                }}
              />
              {presetName(p.label) && <span>{presetName(p.label)}</span>}
              <span className={presetName(p.label) ? 'muted' : undefined}>
                {p.width}×{p.height}
              </span>
            </button>
          );
        })}
      </div>
      <div className="gen-size-custom">
        <label htmlFor="gen-width" className="visually-hidden">
          Width
        </label>
        <NumberField
          id="gen-width"
          value={width}
          onChange={(n) => update({ width: n })}
          min={64}
          max={4096}
          step={8}
          invalid={!!errors.width}
          testId="gen-width"
        />
        <span aria-hidden="true">×</span>
        <label htmlFor="gen-height" className="visually-hidden">
          Height
        </label>
        <NumberField
          id="gen-height"
          value={height}
          onChange={(n) => update({ height: n })}
          min={64}
          max={4096}
          step={8}
          invalid={!!errors.height}
          testId="gen-height"
        />
        <button
          type="button"
          className="icon-button"
          aria-label="Swap width and height"
          title="Swap width and height"
          onClick={() => update({ width: height, height: width })}
          data-testid="gen-size-swap"
        >
          <GenIcon name="swap" size={16} />
        </button>
        <span className="gen-hint">px · multiples of 8</span>
      </div>
      {error && (
        <div
          className="gen-field-error"
          role="alert"
          id={errors.width ? 'gen-width-error' : 'gen-height-error'}
        >
          {error}
        </div>
      )}
    </fieldset>
  );
}
