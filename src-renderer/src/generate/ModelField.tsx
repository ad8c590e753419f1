import type { ModelInfo } from '@contract/index';
import { useIsManager } from '../accounts/session';
import { useStatus } from '../stores/status';
import { familyName, modelRef } from '../models/labels';
import { Field } from './fields';
import { GenIcon } from './GenIcon';
import { useGenerate } from './generateStore';
import { ModelSelect } from './ModelSelect';

/** Where files dropped into the data dir are found: <data dir>/models/checkpoints. */
function useCheckpointFolder(): string {
  const dataDir = useStatus((s) => s.status?.dataDir);
  if (!dataDir) return 'the models folder of the data directory';
  const sep = dataDir.includes('\\') && !dataDir.includes('/') ? '\\' : '/';
  return [dataDir.replace(/[\\/]+$/, ''), 'models', 'checkpoints'].join(sep);
}

function ScanButton({ compact }: { compact?: boolean }) {
  const scanning = useGenerate((s) => s.scanning);
  return (
    <button
      type="button"
      className={compact ? 'gen-link-button' : 'button'}
      onClick={() => void useGenerate.getState().scanModels()}
      disabled={scanning}
      data-testid="gen-scan"
    >
      <GenIcon name="refresh" size={compact ? 13 : 15} />
      {scanning ? 'Scanning…' : 'Scan'}
    </button>
  );
}

/** "this computer", "ComfyUI 'studio-pc'", "this computer and ComfyUI 'studio-pc'". */
function whereLabel(m: ModelInfo): string {
  const places = [...new Set(m.files.filter((f) => !f.problem).map((f) => f.locationLabel))];
  if (places.length <= 1) return places[0] ?? 'no engine here';
  return `${places.slice(0, -1).join(', ')} and ${places[places.length - 1]}`;
}

export function ModelField({ error }: { error?: string }) {
  const checkpoints = useGenerate((s) => s.checkpoints);
  const value = useGenerate((s) => s.form.model);
  const modelsError = useGenerate((s) => s.modelsError);
  const scan = useGenerate((s) => s.scanResult);
  const knownNames = useGenerate((s) => s.modelNames);
  const manager = useIsManager();
  const folder = useCheckpointFolder();
  const selected = checkpoints?.find((m) => modelRef(m) === value) ?? null;

  if (checkpoints && checkpoints.length === 0) {
    return (
      <div className="gen-field">
        <div className="gen-label-row">
          <span className="gen-label">Model</span>
        </div>
        <div className="gen-empty" data-testid="gen-models-empty">
          <p>
            No models yet — put .safetensors/.gguf files in <code>{folder}</code>
            {manager
              ? ' or add a folder in Settings → Engines, then Scan.'
              : ' (or ask the studio’s owner to add a folder in Settings → Engines), then Scan.'}
          </p>
          <ScanButton />
          {scan && (
            <p className="gen-hint" role="status">
              Scanned {scan.files.toLocaleString()} files: {scan.added} added
              {scan.problems.length > 0 && `, ${scan.problems.length} not usable (see Models)`}.
            </p>
          )}
          {modelsError && <p className="gen-field-error">{modelsError}</p>}
        </div>
      </div>
    );
  }

  return (
    <Field
      label="Model"
      id="gen-model"
      error={error ?? modelsError ?? undefined}
      actions={<ScanButton compact />}
      hint={
        selected ? (
          <span className="gen-model-facts">
            {selected.family && <span className="gen-badge">{familyName(selected.family)}</span>}
            {selected.nonCommercial && (
              <span
                className="gen-badge bad"
                title="Its license forbids selling what it makes: commercial packs holding these images are blocked."
              >
                Non-commercial
              </span>
            )}
            {selected.baseModel && <span>{selected.baseModel}</span>}
            <span className="gen-model-where">On {whereLabel(selected)}</span>
          </span>
        ) : checkpoints === null ? (
          'Loading models…'
        ) : undefined
      }
    >
      <ModelSelect
        models={checkpoints ?? []}
        value={value}
        onChange={(ref) => useGenerate.getState().selectModel(ref)}
        id="gen-model"
        testId="gen-model"
        placeholder="Choose a checkpoint"
        searchLabel="Search models"
        invalid={!!error}
        describedBy={error ? 'gen-model-error' : undefined}
        knownNames={knownNames}
      />
    </Field>
  );
}
