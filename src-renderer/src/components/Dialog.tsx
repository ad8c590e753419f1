import { useEffect, useId, useRef, type ReactNode } from 'react';
import './Dialog.css';

const focusable =
  'button:not(:disabled), [href], input:not(:disabled):not([type=hidden]), textarea:not(:disabled), select:not(:disabled), [tabindex]:not([tabindex="-1"])';

/**
 * The app's one modal dialog (never window.prompt/confirm, which Electron does not support):
 * role=dialog, aria-modal, labelled by its title and described by its first paragraph. Focus
 * starts on `[data-autofocus]`, else its first field, else its last footer button; Tab stays
 * inside; Escape and the backdrop close it; focus goes back to the opener when it closes. Keys
 * typed in it never reach shortcuts behind it (the Library's keys also stand down while any
 * aria-modal dialog is open).
 */
export function Dialog({
  title,
  onClose,
  children,
  footer,
  testId,
  width = 420,
  busy = false,
  className,
}: {
  title: ReactNode;
  onClose: () => void;
  children?: ReactNode;
  footer?: ReactNode;
  testId?: string;
  width?: number;
  /** While its action runs: Escape and the backdrop do nothing. */
  busy?: boolean;
  className?: string;
}) {
  const titleId = useId();
  const bodyId = useId();
  const box = useRef<HTMLDivElement>(null);
  const state = useRef({ busy, onClose });
  useEffect(() => {
    state.current = { busy, onClose };
  });
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const el = box.current;
    const first =
      el?.querySelector<HTMLElement>('[data-autofocus]') ??
      el?.querySelector<HTMLElement>(
        'input:not([type=hidden]):not(:disabled), textarea:not(:disabled), select:not(:disabled)',
      ) ??
      [
        ...(el?.querySelectorAll<HTMLElement>('.ui-dialog-foot button:not(:disabled)') ?? []),
      ].pop() ??
      el;
    first?.focus();
    // Escape also when focus fell out of the dialog (a button it pressed was disabled meanwhile).
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || state.current.busy) return;
      if (el?.contains(e.target as Node)) return;
      e.preventDefault();
      e.stopPropagation();
      state.current.onClose();
    };
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      if (opener && opener.isConnected) opener.focus();
    };
  }, []);
  return (
    <div
      className="ui-dialog-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget && !busy) onClose();
      }}
    >
      <div
        ref={box}
        className={`ui-dialog${className ? ` ${className}` : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={bodyId}
        tabIndex={-1}
        style={{ width: `min(${width}px, calc(100vw - 32px))` }}
        data-testid={testId}
        onKeyDown={(e) => {
          // Keys typed here are the dialog's own: nothing behind it reacts to them.
          e.stopPropagation();
          if (e.key === 'Escape') {
            e.preventDefault();
            if (!busy) onClose();
            return;
          }
          if (e.key !== 'Tab' || !box.current) return;
          const f = [...box.current.querySelectorAll<HTMLElement>(focusable)];
          if (!f.length) return e.preventDefault();
          const i = f.indexOf(document.activeElement as HTMLElement);
          if (e.shiftKey && i <= 0) {
            e.preventDefault();
            f[f.length - 1]!.focus();
          } else if (!e.shiftKey && (i === f.length - 1 || i === -1)) {
            e.preventDefault();
            f[0]!.focus();
          }
        }}
      >
        <header className="ui-dialog-head">
          <h2 id={titleId}>{title}</h2>
          <button
            type="button"
            className="icon-button"
            aria-label="Close"
            onClick={onClose}
            disabled={busy}
          >
            <svg width="15" height="15" viewBox="0 0 24 24" aria-hidden="true">
              <path
                d="M6 6l12 12M18 6L6 18"
                stroke="currentColor"
                strokeWidth="1.8"
                strokeLinecap="round"
              />
            </svg>
          </button>
        </header>
        <div className="ui-dialog-body" id={bodyId}>
          {children}
        </div>
        {footer && <footer className="ui-dialog-foot">{footer}</footer>}
      </div>
    </div>
  );
}
