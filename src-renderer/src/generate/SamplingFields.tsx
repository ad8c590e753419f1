import type { SeedMode } from '@contract/index';
import { Field, NumberField } from './fields';
import { MAX_ITEMS, randomSeed, type FieldErrors } from './formLogic';
import { GenIcon } from './GenIcon';
import { useGenerate } from './generateStore';

const seedModes: { id: SeedMode; label: string }[] = [
  { id: 'increment', label: '+1 per image' },
  { id: 'fixed', label: 'Fixed' },
  { id: 'random', label: 'Random' },
];

/** An engine's names as a select; "" is the engine's own default. A remixed name stays listed. */
function NameSelect({
  id,
  value,
  names,
  onChange,
  testId,
}: {
  id: string;
  value: string;
  names: string[];
  onChange: (v: string) => void;
  testId: string;
}) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
      <option value="">Engine default</option>
      {value && !names.includes(value) && <option value={value}>{value}</option>}
      {names.map((n) => (
        <option key={n} value={n}>
          {n}
        </option>
      ))}
    </select>
  );
}

export function SamplingFields({ errors }: { errors: FieldErrors }) {
  const f = useGenerate((s) => s.form);
  const options = useGenerate((s) => s.options);
  const update = useGenerate((s) => s.update);
  return (
    <div className="gen-grid">
      <Field label="Steps" id="gen-steps" error={errors.steps}>
        <NumberField
          id="gen-steps"
          value={f.steps}
          onChange={(n) => update({ steps: n })}
          min={1}
          max={200}
          step={1}
          invalid={!!errors.steps}
          testId="gen-steps"
        />
      </Field>
      <Field label="CFG scale" id="gen-cfg" error={errors.cfg}>
        <NumberField
          id="gen-cfg"
          value={f.cfg}
          onChange={(n) => update({ cfg: n })}
          min={0}
          max={50}
          step={0.5}
          invalid={!!errors.cfg}
          testId="gen-cfg"
        />
      </Field>
      <Field label="Sampler" id="gen-sampler" error={errors.sampler}>
        <NameSelect
          id="gen-sampler"
          value={f.sampler}
          names={options?.samplers ?? []}
          onChange={(sampler) => update({ sampler })}
          testId="gen-sampler"
        />
      </Field>
      <Field label="Scheduler" id="gen-scheduler" error={errors.scheduler}>
        <NameSelect
          id="gen-scheduler"
          value={f.scheduler}
          names={options?.schedulers ?? []}
          onChange={(scheduler) => update({ scheduler })}
          testId="gen-scheduler"
        />
      </Field>
      <Field
        label="Seed"
        id="gen-seed"
        error={errors.seed}
        hint={f.seed === -1 ? '−1: a random seed per order' : undefined}
        actions={
          <button
            type="button"
            className="icon-button gen-dice"
            aria-label="Roll a new seed"
            title="Roll a new seed"
            onClick={() => update({ seed: randomSeed() })}
            data-testid="gen-seed-dice"
          >
            <GenIcon name="dice" size={15} />
          </button>
        }
      >
        <NumberField
          id="gen-seed"
          value={f.seed}
          onChange={(n) => update({ seed: n })}
          min={-1}
          step={1}
          invalid={!!errors.seed}
          testId="gen-seed"
        />
      </Field>
      <Field label="Seed per image" id="gen-seed-mode">
        <select
          id="gen-seed-mode"
          value={f.seedMode}
          onChange={(e) => update({ seedMode: e.target.value as SeedMode })}
          data-testid="gen-seed-mode"
        >
          {seedModes.map((m) => (
            <option key={m.id} value={m.id}>
              {m.label}
            </option>
          ))}
        </select>
      </Field>
      <Field
        label="Images"
        id="gen-count"
        error={errors.count}
        hint={`1–${MAX_ITEMS.toLocaleString()}`}
      >
        <NumberField
          id="gen-count"
          value={f.count}
          onChange={(n) => update({ count: n })}
          min={1}
          max={MAX_ITEMS}
          step={1}
          invalid={!!errors.count}
          testId="gen-count"
        />
      </Field>
      <Field label="CLIP skip" id="gen-clip-skip" error={errors.clipSkip}>
        <NumberField
          id="gen-clip-skip"
          value={f.clipSkip}
          onChange={(n) => update({ clipSkip: Number.isNaN(n) ? null : n })}
          min={1}
          max={12}
          step={1}
          placeholder="Default"
          invalid={!!errors.clipSkip}
          testId="gen-clip-skip"
        />
      </Field>
    </div>
  );
}
