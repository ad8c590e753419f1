import { useMemo } from 'react';
import { ConfirmBar } from './ConfirmBar';
import { EngineField } from './EngineField';
import { validate, type FieldErrors } from './formLogic';
import { GenIcon } from './GenIcon';
import { useGenerate } from './generateStore';
import { InitImageField } from './InitImageField';
import { LoraList } from './LoraList';
import { ModelField } from './ModelField';
import { usePreview, viewOf } from './previewStore';
import { PromptFields } from './PromptFields';
import { SamplingFields } from './SamplingFields';
import { SizeField } from './SizeField';
import { TemplatesMenu } from './TemplatesMenu';

/** Generate (a click, Enter, Ctrl/⌘+Enter), unless the prompt's expansion says it cannot be made. */
function generate(): void {
  const g = useGenerate.getState();
  if (g.phase !== 'edit') return;
  if (viewOf(usePreview.getState(), g.form).blocked) return;
  g.openConfirm();
}

/** What a remix could not carry over, until dismissed. */
function PrefillNotes() {
  const notes = useGenerate((s) => s.notes);
  if (notes.length === 0) return null;
  return (
    <div className="gen-notes" role="status" data-testid="gen-prefill-notes">
      <GenIcon name="remix" size={16} />
      <ul className="grow">
        {notes.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
      <button
        type="button"
        className="icon-button"
        aria-label="Dismiss these notes"
        onClick={() => useGenerate.getState().setNotes([])}
      >
        <GenIcon name="x" size={14} />
      </button>
    </div>
  );
}

/** The left column: everything an order is made of, and the Generate → Queue steps. */
export function GenerateForm() {
  const form = useGenerate((s) => s.form);
  const attempted = useGenerate((s) => s.attempted);
  const serverErrors = useGenerate((s) => s.serverErrors);
  const phase = useGenerate((s) => s.phase);
  const errors = useMemo(() => validate(form), [form]);
  // "Pick a model" waits for the first Generate; a bad number shows as it is typed.
  const shown: FieldErrors = { ...serverErrors };
  for (const [k, v] of Object.entries(errors) as [keyof FieldErrors, string][])
    if (attempted || k !== 'model') shown[k] ??= v;
  return (
    <form
      className="gen-form"
      aria-label="New order"
      data-testid="gen-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        generate();
      }}
      onKeyDown={(e) => {
        if (e.key !== 'Enter') return;
        // Ctrl/⌘+Enter from anywhere in the form, the prompt included: Generate.
        if ((e.ctrlKey || e.metaKey) && phase === 'edit') {
          e.preventDefault();
          generate();
        } else if ((e.target as HTMLElement).matches('input[type="search"]')) {
          // Enter in a search box searches; it does not submit the order.
          e.preventDefault();
        }
      }}
    >
      <div className="gen-form-scroll">
        <TemplatesMenu />
        <PrefillNotes />
        <ModelField error={shown.model} />
        <LoraList error={shown.loras} />
        <PromptFields errors={shown} />
        <SizeField errors={shown} />
        <SamplingFields errors={shown} />
        <EngineField error={shown.engine} />
        <InitImageField error={shown.init} />
      </div>
      <ConfirmBar errors={attempted ? errors : {}} />
    </form>
  );
}
