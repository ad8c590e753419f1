import { useEffect, useId, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { GenIcon } from './GenIcon';
import './dialog.css';

/**
 * A small in-app dialog (never window.prompt): a title, its body, its buttons. Escape and the
 * backdrop close it; focus starts on its first field (or its first button) and comes back to
 * where it was when it closes; Tab stays inside it.
 */
export function Dialog({
  title,
  onClose,
  children,
  footer,
  testId,
  width = 420,
  busy = false,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  testId?: string;
  width?: number;
  /** While its action runs: Escape and the backdrop do nothing. */
  busy?: boolean;
}) {
  const titleId = useId();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const first =
      box.current?.querySelector<HTMLElement>('[data-autofocus]') ??
      box.current?.querySelector<HTMLElement>(
        'input:not([type=hidden]):not(:disabled), textarea, select',
      ) ??
      box.current?.querySelector<HTMLElement>('.dlg-foot button:not(:disabled)');
    first?.focus();
    return () => before?.focus?.();
  }, []);
  // Escape also when focus fell out of the dialog (a button it pressed was disabled meanwhile).
  const state = useRef({ busy, onClose });
  useEffect(() => {
    state.current = { busy, onClose };
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || state.current.busy) return;
      if (box.current?.contains(e.target as Node)) return;
      e.preventDefault();
      state.current.onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  return createPortal(
    <div
      className="dlg-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget && !busy) onClose();
      }}
    >
      <div
        ref={box}
        className="dlg"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        style={{ width: `min(${width}px, calc(100vw - 32px))` }}
        data-testid={testId}
        onKeyDown={(e) => {
          // Keys typed here are the dialog's own: nothing behind it reacts to them.
          e.stopPropagation();
          if (e.key === 'Escape' && !busy) onClose();
          if (e.key !== 'Tab' || !box.current) return;
          const f = [
            ...box.current.querySelectorAll<HTMLElement>(
              'button:not(:disabled), input:not(:disabled), textarea:not(:disabled), select:not(:disabled), [tabindex="0"]',
            ),
          ];
          const i = f.indexOf(document.activeElement as HTMLElement);
          if (e.shiftKey && i <= 0) {
            e.preventDefault();
            f[f.length - 1]?.focus();
          } else if (!e.shiftKey && i === f.length - 1) {
            e.preventDefault();
            f[0]?.focus();
          }
        }}
      >
        <header className="dlg-head">
          <h2 id={titleId}>{title}</h2>
          <button
            type="button"
            className="icon-button"
            aria-label="Close"
            onClick={onClose}
            disabled={busy}
          >
            <GenIcon name="x" size={15} />
          </button>
        </header>
        <div className="dlg-body">{children}</div>
        {footer && <footer className="dlg-foot">{footer}</footer>}
      </div>
    </div>,
    document.body,
  );
}
