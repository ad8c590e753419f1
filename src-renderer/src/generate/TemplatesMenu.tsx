import { useEffect, useRef, useState } from 'react';
import type { GenerationTemplateInfo } from '@contract/index';
import { api } from '../api/client';
import { shortName } from '../models/labels';
import { toastError, toastInfo } from '../stores/toasts';
import { GenIcon } from './GenIcon';
import { applyTemplate } from './remix';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The top of the form: "Templates", a menu of the saved parameter sets (most used first); one
 * click fills the form with its model and parameters. Templates are saved from an order card.
 */
export function TemplatesMenu() {
  const [open, setOpen] = useState(false);
  const [list, setList] = useState<GenerationTemplateInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const wrap = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    let live = true;
    api.call('templates.list', {}).then(
      (l) => live && (setList(l), setError(null)),
      (err: unknown) => live && setError(message(err)),
    );
    const away = (e: MouseEvent) => {
      if (!wrap.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', away);
    return () => {
      live = false;
      document.removeEventListener('mousedown', away);
    };
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const apply = async (t: GenerationTemplateInfo) => {
    setBusy(t.id);
    try {
      applyTemplate(await api.call('templates.use', { id: t.id }));
      setOpen(false);
      toastInfo('Template applied', t.name);
    } catch (err) {
      toastError('Could not apply the template', err);
    } finally {
      setBusy(null);
    }
  };
  const remove = async (t: GenerationTemplateInfo) => {
    setBusy(t.id);
    try {
      await api.call('templates.delete', { id: t.id });
      setList((l) => l?.filter((x) => x.id !== t.id) ?? null);
    } catch (err) {
      toastError('Could not delete the template', err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="gen-form-top" ref={wrap}>
      <h2 className="gen-form-title">New order</h2>
      <button
        ref={button}
        type="button"
        className="button small gen-templates-button"
        aria-haspopup="true"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        data-testid="gen-templates"
      >
        <GenIcon name="bookmark" size={14} />
        Templates
        <GenIcon name="chevronDown" size={13} />
      </button>
      {open && (
        <div
          className="gen-menu"
          role="group"
          aria-label="Templates"
          data-testid="gen-templates-menu"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              close();
            }
          }}
        >
          {error && <p className="gen-field-error">{error}</p>}
          {!list && !error && <p className="gen-hint">Loading…</p>}
          {list?.length === 0 && (
            <p className="gen-hint gen-menu-empty" data-testid="gen-templates-empty">
              No templates yet. On an order card, “Save as template…” keeps its model and parameters
              to start new orders from.
            </p>
          )}
          {list && list.length > 0 && (
            <ul className="gen-menu-list">
              {list.map((t) => (
                <li
                  key={t.id}
                  className="gen-menu-row"
                  data-testid="gen-template"
                  data-template-id={t.id}
                >
                  <button
                    type="button"
                    className="gen-menu-item"
                    onClick={() => void apply(t)}
                    disabled={busy !== null}
                    data-testid="gen-template-apply"
                  >
                    <span className="gen-menu-name">{t.name}</span>
                    <span className="gen-menu-sub">
                      {t.model ? shortName(t.model.name) : 'no model'}
                      {typeof t.params.width === 'number' && typeof t.params.height === 'number'
                        ? ` · ${t.params.width}×${t.params.height}`
                        : ''}
                      {t.usageCount ? ` · used ${t.usageCount.toLocaleString()}×` : ''}
                    </span>
                  </button>
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={`Delete the template ${t.name}`}
                    title="Delete this template"
                    onClick={() => void remove(t)}
                    disabled={busy !== null}
                    data-testid="gen-template-delete"
                  >
                    <GenIcon name="trash" size={14} />
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
