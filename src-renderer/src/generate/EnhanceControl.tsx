import { useEffect, useId, useRef } from 'react';
import { GenIcon } from './GenIcon';
import { useEnhance } from './enhanceStore';
import { useGenerate } from './generateStore';

/** Under the prompt: a template and "Enhance"; the streamed answer; what to set up when it cannot. */
export function EnhanceBar() {
  const prompt = useGenerate((s) => s.form.prompt);
  const templates = useEnhance((s) => s.templates);
  const templatesError = useEnhance((s) => s.templatesError);
  const templateId = useEnhance((s) => s.templateId);
  const run = useEnhance((s) => s.run);
  const problem = useEnhance((s) => s.problem);
  const { loadTemplates, chooseTemplate, enhance, dismissProblem } = useEnhance.getState();
  const selectId = useId();
  useEffect(() => {
    if (useEnhance.getState().templates === null) void loadTemplates();
  }, [loadTemplates]);
  const busy = run?.status === 'checking' || run?.status === 'streaming';
  const empty = prompt.trim() === '';
  const noTemplate = !templateId;
  return (
    <>
      <div className="gen-enhance-bar" data-testid="gen-enhance-bar">
        <label htmlFor={selectId} className="gen-enhance-label">
          Template
        </label>
        <select
          id={selectId}
          className="gen-enhance-template"
          value={templateId}
          onChange={(e) => chooseTemplate(e.target.value)}
          disabled={!templates || templates.length === 0}
          data-testid="gen-enhance-template"
        >
          {!templates && <option value={templateId}>{templatesError ? '—' : 'Loading…'}</option>}
          {templates?.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
              {t.targetModel ? ` · ${t.targetModel}` : ''}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button gen-enhance-button"
          onClick={() => void enhance()}
          disabled={busy || empty || noTemplate}
          title={
            empty
              ? 'Write a prompt to enhance first'
              : 'Rewrite the prompt with the chosen template on your chat server (LLM)'
          }
          data-testid="gen-enhance"
        >
          <GenIcon name="sparkle" size={14} />
          {busy ? 'Enhancing…' : 'Enhance'}
        </button>
      </div>
      {templatesError && (
        <p className="gen-field-error" data-testid="gen-enhance-templates-error">
          The prompt templates could not be loaded: {templatesError}
        </p>
      )}
      {problem && (
        <div className="gen-enhance-problem" role="alert" data-testid="gen-enhance-problem">
          <GenIcon name="warning" size={14} />
          <div>
            <p>{problem}.</p>
            <p className="gen-hint">
              Start one (for example <code>llama-server -m model.gguf --port 8080</code>, or
              Ollama), then add its address in Settings → Engines → Add server, kind “LLM”.
            </p>
          </div>
          <button
            type="button"
            className="icon-button"
            onClick={dismissProblem}
            aria-label="Dismiss"
            data-testid="gen-enhance-problem-dismiss"
          >
            <GenIcon name="x" size={13} />
          </button>
        </div>
      )}
      {run && run.status !== 'checking' && <EnhancePanel />}
    </>
  );
}

function EnhancePanel() {
  const run = useEnhance((s) => s.run)!;
  const { accept, discard, enhance } = useEnhance.getState();
  const acceptBtn = useRef<HTMLButtonElement>(null);
  const headId = useId();
  const done = run.status === 'done';
  const failed = run.status === 'failed';
  useEffect(() => {
    // Focus moves on once the answer is in, unless the creator went somewhere else meanwhile.
    const at = document.activeElement;
    if (
      done &&
      (!at || at === document.body || (at as HTMLElement).dataset.testid === 'gen-enhance')
    )
      acceptBtn.current?.focus();
  }, [done]);
  const r = run.result;
  return (
    <section
      className={`gen-enhance-panel${failed ? ' failed' : ''}`}
      aria-labelledby={headId}
      data-testid="gen-enhance-panel"
      data-status={run.status}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          discard();
        }
      }}
    >
      <div className="gen-enhance-head">
        <GenIcon name="sparkle" size={14} />
        <strong id={headId}>{done ? 'Enhanced' : failed ? 'Enhance failed' : 'Enhancing…'}</strong>
        <span
          className="gen-enhance-meta"
          title={r ? `${run.templateName} · ${r.model}` : undefined}
        >
          {run.templateName}
          {r ? ` · ${r.model} · ${(r.durationMs / 1000).toFixed(1)} s` : ''}
        </span>
        {r?.truncated && <span className="gen-badge warn">cut at the token limit</span>}
      </div>
      <div className="gen-enhance-original">
        <span className="gen-enhance-caption">Original</span>
        <p data-testid="gen-enhance-original">{run.original}</p>
      </div>
      {failed ? (
        <p className="gen-enhance-error" role="alert" data-testid="gen-enhance-error">
          {run.error}
        </p>
      ) : (
        <div className="gen-enhance-result">
          <span className="gen-enhance-caption">Enhanced</span>
          <p
            data-testid="gen-enhance-text"
            aria-live="polite"
            aria-busy={!done}
            className={done ? '' : 'streaming'}
          >
            {run.text}
            {!done && <span className="gen-enhance-caret" aria-hidden="true" />}
          </p>
        </div>
      )}
      {r && r.warnings.length > 0 && (
        <ul className="gen-enhance-warnings" data-testid="gen-enhance-warnings">
          {r.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      <div className="gen-enhance-actions">
        {failed ? (
          <button
            type="button"
            className="button"
            onClick={() => void enhance()}
            data-testid="gen-enhance-retry"
          >
            <GenIcon name="refresh" size={13} />
            Try again
          </button>
        ) : (
          <button
            ref={acceptBtn}
            type="button"
            className="button primary"
            onClick={accept}
            disabled={!done}
            data-testid="gen-enhance-use"
          >
            <GenIcon name="check" size={13} />
            Use it
          </button>
        )}
        <button
          type="button"
          className="button"
          onClick={discard}
          data-testid="gen-enhance-discard"
        >
          {failed ? 'Close' : 'Discard'}
        </button>
      </div>
    </section>
  );
}

/** "Enhanced from: …" while the prompt came from Enhance; ✕ forgets the original. */
export function EnhancedFrom() {
  const original = useGenerate((s) => s.form.originalPrompt);
  const prompt = useGenerate((s) => s.form.prompt);
  const update = useGenerate((s) => s.update);
  if (!original.trim() || original === prompt) return null;
  return (
    <div className="gen-enhanced-from" data-testid="gen-enhanced-from">
      <GenIcon name="sparkle" size={12} />
      <span className="gen-enhanced-from-text" title={original}>
        Enhanced from: <q data-testid="gen-enhanced-from-text">{original}</q>
      </span>
      <button
        type="button"
        className="icon-button"
        onClick={() => update({ originalPrompt: '' })}
        aria-label="Forget the original prompt"
        title="Forget the original prompt (the order will not carry it)"
        data-testid="gen-enhanced-from-clear"
      >
        <GenIcon name="x" size={12} />
      </button>
    </div>
  );
}
