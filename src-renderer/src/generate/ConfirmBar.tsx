import { useEffect, useRef, useState } from 'react';
import type { GenerateOptions, ModelInfo, ProjectInfo } from '@contract/index';
import { api } from '../api/client';
import { modelRef, shortName } from '../models/labels';
import type { FieldErrors, GenerateForm } from './formLogic';
import { GenIcon } from './GenIcon';
import { useGenerate } from './generateStore';
import { defaultFieldNames } from './projectDefaults';
import { usePreview, usePreviewView, type PreviewView } from './previewStore';

const fieldNames: Record<keyof FieldErrors, string> = {
  model: 'Model',
  prompt: 'Prompt',
  negative: 'Negative prompt',
  width: 'Width',
  height: 'Height',
  steps: 'Steps',
  cfg: 'CFG',
  seed: 'Seed',
  count: 'Images',
  clipSkip: 'CLIP skip',
  loras: 'LoRAs',
  init: 'Init image',
  engine: 'Engine',
  sampler: 'Sampler',
  scheduler: 'Scheduler',
};

/**
 * Where an order without a chosen engine will run, as the server places it: ComfyUI servers that
 * have the model (and its LoRAs), then sd-servers that have it, then sd-cli here. null when that
 * cannot be told from here (the server then says).
 */
export function automaticPlacement(
  model: ModelInfo | undefined,
  loras: (ModelInfo | undefined)[],
  options: GenerateOptions | null,
): string | null {
  if (!model || !options || loras.some((l) => !l)) return null;
  const has = (m: ModelInfo | undefined, location: string) =>
    !!m?.files.some((x) => x.location === location && !x.problem);
  for (const kind of ['comfyui', 'sdserver'] as const) {
    const usable = options.engines.filter(
      (e) =>
        e.engine === kind &&
        has(model, e.id) &&
        (kind !== 'comfyui' || loras.every((l) => has(l, e.id))),
    );
    // A disabled or offline server may or may not take it: no guess, the order card will say.
    if (usable.some((e) => !e.available)) return null;
    if (usable.length === 1) return usable[0]!.label;
    if (usable.length > 1)
      return `${usable.length} ${kind === 'comfyui' ? 'ComfyUI servers' : 'sd-servers'}`;
  }
  const local = options.engines.find((e) => e.engine === 'sdcpp');
  if (local?.available && has(model, 'local') && loras.every((l) => has(l, 'local')))
    return local.label;
  return null;
}

const plural = (n: number, one: string, many: string) =>
  `${n.toLocaleString()} ${n === 1 ? one : many}`;

/** "40 images · 1024×1024 · juggernautXL · on ComfyUI 'studio-pc'" (the expansion's total when it expands) */
export function useSummary(
  f: GenerateForm,
  view?: PreviewView,
): { line: string; details: string[] } {
  const checkpoints = useGenerate((s) => s.checkpoints);
  const loraModels = useGenerate((s) => s.loraModels);
  const modelNames = useGenerate((s) => s.modelNames);
  const options = useGenerate((s) => s.options);
  const model = checkpoints?.find((m) => modelRef(m) === f.model);
  const engine = f.engine
    ? (options?.engines.find((e) => e.id === f.engine)?.label ?? f.engine)
    : (automaticPlacement(
        model,
        f.loras.map((l) => loraModels?.find((m) => modelRef(m) === l.ref)),
        options,
      ) ?? 'the first free engine');
  const expanded = view?.expanded && view.preview ? view.preview : null;
  const images = expanded ? view!.images : f.count;
  const line = [
    plural(images, 'image', 'images'),
    `${f.width}×${f.height}`,
    shortName(model?.name ?? modelNames[f.model] ?? f.model),
    `on ${engine}`,
  ].join(' · ');
  const presets = view?.preview?.negativePresets ?? [];
  const details = [
    ...(expanded
      ? [
          `Expanded from the prompt: ${expanded.batches.length > 1 ? `${plural(expanded.batches.length, 'batch', 'batches')}, ` : ''}${plural(expanded.total, 'prompt', 'prompts')}${f.count > 1 ? ` × ${f.count.toLocaleString()} images each` : ''}`,
        ]
      : []),
    f.destination === 'workspace'
      ? 'To the Workspace: keep or discard them there before they reach the Library'
      : 'To the Library',
    ...(f.noNegativePresets
      ? ['Without negative presets']
      : presets.length
        ? [`Negative presets appended: ${presets.length.toLocaleString()}`]
        : []),
    `${f.steps} steps · CFG ${f.cfg} · ${f.sampler || 'default sampler'}${f.scheduler ? ` (${f.scheduler})` : ''}`,
    f.seed === -1
      ? `Random seed${f.seedMode === 'random' ? ' for every image' : f.seedMode === 'increment' ? ', +1 per image' : ', the same for every image'}`
      : `Seed ${f.seed}${f.seedMode === 'increment' && images > 1 ? `–${f.seed + images - 1}` : ''}${f.seedMode === 'random' ? ' (ignored: random per image)' : ''}`,
    ...(f.loras.length
      ? [`LoRAs: ${f.loras.map((l) => `${shortName(l.name)} ${l.weight}`).join(', ')}`]
      : []),
    ...(f.init ? [`img2img from ${f.init.label} at strength ${f.init.strength.toFixed(2)}`] : []),
  ];
  return { line, details };
}

function ConfirmPanel() {
  const form = useGenerate((s) => s.form);
  const phase = useGenerate((s) => s.phase);
  const view = usePreviewView();
  const { line, details } = useSummary(form, view);
  const queueRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    // Typed a moment ago: the count the confirm shows is asked for now, not after the pause.
    const p = usePreview.getState();
    if (p.wanted !== p.answered) p.refresh();
    queueRef.current?.focus();
  }, []);
  const submitting = phase === 'submitting';
  const counting = view.counting;
  return (
    <div
      className="gen-confirm"
      role="group"
      aria-labelledby="gen-confirm-title"
      data-testid="gen-confirm"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !submitting) {
          e.stopPropagation();
          useGenerate.getState().back();
        }
      }}
    >
      <h3 id="gen-confirm-title">Queue this order?</h3>
      <p className="gen-confirm-line" data-testid="gen-confirm-summary" aria-busy={counting}>
        {counting ? 'Counting the images…' : line}
      </p>
      <ul className="gen-confirm-details">
        {details.map((d) => (
          <li key={d}>{d}</li>
        ))}
      </ul>
      {view.fresh && view.blocked && (
        <p className="gen-field-error" data-testid="gen-confirm-blocked">
          {view.blocked}
        </p>
      )}
      {view.images >= 500 && (
        <p className="gen-warn-text">
          A large order: its images run one after another in the queue and can be cancelled at any
          time.
        </p>
      )}
      <div className="gen-confirm-actions">
        <button
          type="button"
          className="button"
          onClick={() => useGenerate.getState().back()}
          disabled={submitting}
          data-testid="gen-back"
        >
          Back
        </button>
        <button
          ref={queueRef}
          type="button"
          className="button primary"
          onClick={() => void useGenerate.getState().queue()}
          disabled={submitting || counting || !!view.blocked}
          data-testid="gen-queue"
        >
          {submitting ? 'Queueing…' : 'Queue'}
        </button>
      </div>
    </div>
  );
}

/** The foot of the form: the server's refusal, what still needs fixing, Generate and its confirm step. */
export function ConfirmBar({ errors }: { errors: FieldErrors }) {
  const phase = useGenerate((s) => s.phase);
  const error = useGenerate((s) => s.error);
  const attempted = useGenerate((s) => s.attempted);
  const count = useGenerate((s) => s.form.count);
  const view = usePreviewView();
  const images = view.expanded ? view.images : count;
  const invalid = Object.keys(errors) as (keyof FieldErrors)[];
  const generateRef = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);
  // Back, Escape or a refused order: focus returns to Generate instead of the page's top.
  useEffect(() => {
    if (phase === 'edit' && wasConfirming.current) generateRef.current?.focus();
    wasConfirming.current = phase !== 'edit';
  }, [phase]);
  return (
    <div className="gen-actions">
      {error && (
        <div className="gen-error" role="alert" data-testid="gen-error">
          <GenIcon name="warning" size={16} />
          <div className="grow">
            <strong>The order was not queued.</strong> {error}
          </div>
          <button
            type="button"
            className="icon-button"
            aria-label="Dismiss the error"
            onClick={() => useGenerate.getState().dismissError()}
          >
            <GenIcon name="x" size={14} />
          </button>
        </div>
      )}
      {attempted && invalid.length > 0 && phase === 'edit' && (
        <p className="gen-field-error" data-testid="gen-invalid">
          Check {invalid.map((k) => fieldNames[k]).join(', ')}.
        </p>
      )}
      {phase === 'edit' && view.blocked && (
        <p className="gen-field-error" data-testid="gen-blocked">
          {view.blocked}
        </p>
      )}
      {phase === 'edit' && <DestinationSwitch />}
      {phase === 'edit' && <ProjectSelect />}
      {phase === 'edit' && <ProjectDefaultsLine />}
      {phase === 'edit' ? (
        <button
          ref={generateRef}
          type="submit"
          className="button primary gen-generate"
          disabled={!!view.blocked}
          data-testid="gen-generate"
        >
          <GenIcon name="sparkle" size={16} />
          Generate
          {Number.isInteger(images) && images > 1 ? ` ${images.toLocaleString()} images` : ''}
        </button>
      ) : (
        <ConfirmPanel />
      )}
    </div>
  );
}

/** Where the order's images go: the Library, or the Workspace to be kept or discarded first. */
function DestinationSwitch() {
  const destination = useGenerate((s) => s.form.destination);
  const update = useGenerate((s) => s.update);
  const options = [
    { id: 'library', label: 'Library', hint: 'Every image becomes a Library asset' },
    {
      id: 'workspace',
      label: 'Workspace',
      hint: 'Images wait in the Workspace until you keep or discard them',
    },
  ] as const;
  return (
    <div
      className="gen-dest"
      role="radiogroup"
      aria-labelledby="gen-dest-label"
      data-testid="gen-destination"
    >
      <span id="gen-dest-label" className="gen-dest-label">
        Send to
      </span>
      <div className="gen-seg">
        {options.map((o) => (
          <label
            key={o.id}
            className={`gen-seg-option${destination === o.id ? ' on' : ''}`}
            title={o.hint}
          >
            <input
              type="radio"
              name="gen-destination"
              value={o.id}
              checked={destination === o.id}
              onChange={() => update({ destination: o.id })}
              data-testid={`gen-destination-${o.id}`}
            />
            <GenIcon name={o.id === 'library' ? 'image' : 'tray'} size={14} />
            {o.label}
          </label>
        ))}
      </div>
    </div>
  );
}

/** The project new orders are filed under: None, or one of the active projects. */
function ProjectSelect() {
  const projectId = useGenerate((s) => s.form.projectId);
  const [projects, setProjects] = useState<ProjectInfo[]>([]);
  useEffect(() => {
    let alive = true;
    const load = () =>
      void api.call('projects.list', { status: ['active'] }).then(
        (list) => alive && setProjects(list),
        () => undefined,
      );
    load();
    const off = api.on('projects.changed', load);
    return () => {
      alive = false;
      off();
    };
  }, []);
  const known = projects.some((p) => p.id === projectId);
  return (
    <label className="gen-dest gen-project">
      <span className="gen-dest-label">Project</span>
      <select
        value={projectId}
        onChange={(e) => {
          const id = e.target.value;
          const g = useGenerate.getState();
          if (!id) g.chooseProject(null);
          else {
            const p = projects.find((x) => x.id === id);
            if (p) g.chooseProject(p);
            else g.update({ projectId: id });
          }
        }}
        data-testid="gen-project"
        aria-label="Project"
      >
        <option value="">None</option>
        {projects.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
        {projectId && !known && <option value={projectId}>(unavailable project)</option>}
      </select>
    </label>
  );
}

/** "Autumn campaign’s", "Bottle labels’". */
const possessive = (name: string) => (/s$/i.test(name) ? `${name}’` : `${name}’s`);

/** "Using Autumn campaign's defaults · Undo", quietly, after a project's defaults filled the form. */
function ProjectDefaultsLine() {
  const applied = useGenerate((s) => s.projectDefaults);
  const projectId = useGenerate((s) => s.form.projectId);
  if (!applied || applied.projectId !== projectId) return null;
  const changed = Object.keys(applied.set).length;
  const names = applied.kept.map((k) => defaultFieldNames[k]);
  const kept =
    names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? '');
  return (
    <p className="gen-project-defaults" role="status" data-testid="gen-project-defaults">
      <GenIcon name="check" size={13} />
      <span className="grow" data-testid="gen-project-defaults-text">
        {changed > 0 ? (
          <>
            Using <strong>{possessive(applied.projectName)}</strong> defaults
            {kept && <span className="muted"> · kept your {kept}</span>}
          </>
        ) : (
          <>
            Kept your {kept} over <strong>{possessive(applied.projectName)}</strong> defaults
          </>
        )}
      </span>
      {changed > 0 && (
        <button
          type="button"
          className="gen-link-button"
          onClick={() => useGenerate.getState().undoProjectDefaults()}
          title="Put back the settings the form had before"
          data-testid="gen-project-defaults-undo"
        >
          Undo
        </button>
      )}
    </p>
  );
}
