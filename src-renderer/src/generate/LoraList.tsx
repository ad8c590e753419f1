import { useState } from 'react';
import type { ModelFamily } from '@contract/index';
import { familyName, modelRef, shortName } from '../models/labels';
import { MAX_LORAS, type LoraRow } from './formLogic';
import { GenIcon } from './GenIcon';
import { useGenerate } from './generateStore';
import { ModelSelect } from './ModelSelect';

const CHIPS = 6;

/** A LoRA's trigger words; a click adds one to the prompt. */
function TriggerChips({ row }: { row: LoraRow }) {
  const [all, setAll] = useState(false);
  const words = [
    ...new Set([row.triggerToken, ...row.triggerWords].filter((w): w is string => !!w)),
  ];
  if (words.length === 0) return null;
  const shown = all ? words : words.slice(0, CHIPS);
  return (
    <div className="gen-chips" aria-label={`Trigger words of ${shortName(row.name)}`} role="group">
      {shown.map((w) => (
        <button
          key={w}
          type="button"
          className={`gen-chip${w === row.triggerToken ? ' primary' : ''}`}
          onClick={() => useGenerate.getState().insertIntoPrompt(w)}
          title="Add to the prompt"
          aria-label={`Add “${w}” to the prompt`}
          data-testid="gen-trigger-chip"
        >
          {w}
        </button>
      ))}
      {words.length > CHIPS && (
        <button type="button" className="gen-link-button" onClick={() => setAll(!all)}>
          {all ? 'Fewer' : `+${words.length - CHIPS} more`}
        </button>
      )}
    </div>
  );
}

function LoraItem({ row, family }: { row: LoraRow; family: ModelFamily | null }) {
  const name = shortName(row.name);
  const weightId = `gen-lora-weight-${row.key}`;
  const mismatch =
    !row.missing && family && row.family && row.family !== 'unknown' && row.family !== family;
  return (
    <li
      className={`gen-lora${row.missing ? ' missing' : ''}`}
      data-testid="gen-lora-row"
      data-lora={row.ref}
    >
      <div className="gen-lora-head">
        <GenIcon name="layers" size={14} />
        <span className="gen-lora-name" title={row.name}>
          {name}
        </span>
        {row.missing && (
          <span
            className="gen-badge warn"
            title="No LoRA of this name is known here; the engine may not find it."
          >
            not found
          </span>
        )}
        {mismatch && (
          <span className="gen-badge warn" title="Trained for another family than the model's">
            {familyName(row.family)}
          </span>
        )}
        <button
          type="button"
          className="icon-button"
          aria-label={`Remove ${name}`}
          onClick={() => useGenerate.getState().removeLora(row.key)}
          data-testid="gen-lora-remove"
        >
          <GenIcon name="x" size={14} />
        </button>
      </div>
      <div className="gen-lora-weight">
        <input
          type="range"
          min={-1}
          max={2}
          step={0.05}
          value={Number.isFinite(row.weight) ? Math.min(2, Math.max(-1, row.weight)) : 1}
          onChange={(e) => useGenerate.getState().setLoraWeight(row.key, Number(e.target.value))}
          aria-label={`Weight of ${name}`}
          aria-valuetext={Number.isFinite(row.weight) ? row.weight.toFixed(2) : undefined}
        />
        <input
          id={weightId}
          type="number"
          className="gen-num-small"
          min={-4}
          max={4}
          step={0.05}
          value={Number.isFinite(row.weight) ? Number(row.weight.toFixed(2)) : ''}
          onChange={(e) =>
            useGenerate
              .getState()
              .setLoraWeight(row.key, e.target.value === '' ? Number.NaN : Number(e.target.value))
          }
          aria-label={`Weight of ${name}, as a number`}
          data-testid="gen-lora-weight"
        />
      </div>
      <TriggerChips row={row} />
    </li>
  );
}

export function LoraList({ error }: { error?: string }) {
  const rows = useGenerate((s) => s.form.loras);
  const loraModels = useGenerate((s) => s.loraModels);
  const model = useGenerate((s) => s.form.model);
  const family = useGenerate(
    (s) => s.checkpoints?.find((m) => modelRef(m) === model)?.family ?? null,
  );
  const full = rows.length >= MAX_LORAS;
  return (
    <fieldset className={`gen-fieldset${error ? ' has-error' : ''}`} data-testid="gen-loras">
      <legend>
        LoRAs{' '}
        {rows.length > 0 && (
          <span className="muted">
            {rows.length} of {MAX_LORAS}
          </span>
        )}
      </legend>
      {rows.length > 0 && (
        <ul className="gen-lora-list">
          {rows.map((r) => (
            <LoraItem key={r.key} row={r} family={family} />
          ))}
        </ul>
      )}
      {loraModels && loraModels.length === 0 ? (
        <p className="gen-hint">
          No LoRAs found. Put them in the models folder’s loras folder, then Scan.
        </p>
      ) : (
        <ModelSelect
          models={loraModels ?? []}
          value=""
          onChange={(ref) => {
            const m = loraModels?.find((x) => modelRef(x) === ref);
            if (m) useGenerate.getState().addLora(m);
          }}
          id="gen-lora-add"
          testId="gen-lora-add"
          placeholder={
            full ? `At most ${MAX_LORAS} LoRAs` : loraModels ? 'Add a LoRA…' : 'Loading LoRAs…'
          }
          searchLabel="Search LoRAs"
          label="Add a LoRA"
          disabled={full || !loraModels}
        />
      )}
      {error && (
        <div className="gen-field-error" role="alert">
          {error}
        </div>
      )}
    </fieldset>
  );
}
