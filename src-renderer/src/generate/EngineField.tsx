import { Field } from './fields';
import { GenIcon } from './GenIcon';
import { useGenerate } from './generateStore';

/** sd-cli here, sd-server and ComfyUI servers; an unusable one is listed with its problem. */
export function EngineField({ error }: { error?: string }) {
  const engine = useGenerate((s) => s.form.engine);
  const options = useGenerate((s) => s.options);
  const optionsError = useGenerate((s) => s.optionsError);
  const update = useGenerate((s) => s.update);
  const engines = options?.engines ?? [];
  const unavailable = engines.filter((e) => !e.available);
  const none = options !== null && engines.length > 0 && unavailable.length === engines.length;
  return (
    <Field
      label="Engine"
      id="gen-engine"
      error={error ?? (optionsError ? `Engines could not be asked: ${optionsError}` : undefined)}
      actions={
        <button
          type="button"
          className="icon-button"
          aria-label="Ask the engines again"
          title="Ask the engines again"
          onClick={() => void useGenerate.getState().loadOptions(true)}
          data-testid="gen-engines-refresh"
        >
          <GenIcon name="refresh" size={14} />
        </button>
      }
      hint={
        none ? (
          <span className="gen-warn-text">No engine can generate right now.</span>
        ) : options === null && !optionsError ? (
          'Asking the engines…'
        ) : undefined
      }
    >
      <select
        id="gen-engine"
        value={engine}
        onChange={(e) => update({ engine: e.target.value })}
        data-testid="gen-engine"
      >
        <option value="">Automatic — the first free engine</option>
        {engine && !engines.some((e) => e.id === engine) && (
          <option value={engine}>{engine}</option>
        )}
        {engines.map((e) => (
          <option key={e.id} value={e.id} disabled={!e.available} title={e.problem ?? undefined}>
            {e.label}
            {!e.available && e.problem ? ` — ${e.problem}` : ''}
          </option>
        ))}
      </select>
      {unavailable.length > 0 && (
        <details className="gen-engine-problems" data-testid="gen-engine-problems">
          <summary>
            {unavailable.length} {unavailable.length === 1 ? 'engine' : 'engines'} unavailable
          </summary>
          <ul>
            {unavailable.map((e) => (
              <li key={e.id}>
                <strong>{e.label}</strong>: {e.problem ?? 'not available'}
              </li>
            ))}
          </ul>
        </details>
      )}
    </Field>
  );
}
