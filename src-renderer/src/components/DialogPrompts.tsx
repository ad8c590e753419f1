import { useId, useState } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { Dialog } from './Dialog';

/**
 * promptDialog() and confirmDialog(): the in-app stand-ins for window.prompt/confirm (dead in
 * Electron), as promises. One at a time, drawn in their own root on document.body, so any
 * component can ask without owning a dialog's state.
 */

let root: Root | null = null;
let host: HTMLDivElement | null = null;
/** Answers the open dialog as cancelled when another one replaces it. */
let cancelOpen: (() => void) | null = null;

function show(render: (done: () => void) => React.ReactNode, cancel: () => void): void {
  const previous = cancelOpen;
  cancelOpen = cancel;
  previous?.();
  if (!host) {
    host = document.createElement('div');
    host.dataset.dialogHost = '';
    document.body.appendChild(host);
    root = createRoot(host);
  }
  const done = () => {
    cancelOpen = null;
    root!.render(null);
  };
  root!.render(render(done));
}

export interface PromptOptions {
  title: string;
  label: string;
  initial?: string;
  placeholder?: string;
  /** The confirming button's words (default "Create"). */
  confirmLabel?: string;
  hint?: string;
  testId?: string;
}

/** Asks for one line of text: the trimmed text, or null when cancelled or left empty. */
export function promptDialog(options: PromptOptions): Promise<string | null> {
  return new Promise((resolve) =>
    show(
      (done) => (
        <PromptBody
          key={Math.random()}
          {...options}
          onDone={(v) => {
            done();
            resolve(v);
          }}
        />
      ),
      () => resolve(null),
    ),
  );
}

function PromptBody({
  title,
  label,
  initial = '',
  placeholder,
  confirmLabel = 'Create',
  hint,
  testId = 'prompt-dialog',
  onDone,
}: PromptOptions & { onDone: (v: string | null) => void }) {
  const [text, setText] = useState(initial);
  const id = useId();
  const ok = () => text.trim() && onDone(text.trim());
  return (
    <Dialog
      title={title}
      onClose={() => onDone(null)}
      testId={testId}
      footer={
        <>
          <button type="button" className="button" onClick={() => onDone(null)}>
            Cancel
          </button>
          <button
            type="button"
            className="button primary"
            disabled={!text.trim()}
            onClick={ok}
            data-testid="prompt-dialog-ok"
          >
            {confirmLabel}
          </button>
        </>
      }
    >
      <div className="ui-dialog-field">
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          value={text}
          placeholder={placeholder}
          autoComplete="off"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              ok();
            }
          }}
        />
        {hint && <p className="ui-dialog-hint">{hint}</p>}
      </div>
    </Dialog>
  );
}

export interface ConfirmOptions {
  title: string;
  message: string;
  confirmLabel?: string;
  cancelLabel?: string;
  danger?: boolean;
  testId?: string;
}

/** Asks yes or no: true only when the confirming button was pressed. */
export function confirmDialog(options: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) =>
    show(
      (done) => {
        const finish = (v: boolean) => {
          done();
          resolve(v);
        };
        return (
          <Dialog
            key={Math.random()}
            title={options.title}
            onClose={() => finish(false)}
            testId={options.testId ?? 'confirm-dialog'}
            footer={
              <>
                <button type="button" className="button" onClick={() => finish(false)}>
                  {options.cancelLabel ?? 'Cancel'}
                </button>
                <button
                  type="button"
                  className={`button ${options.danger ? 'danger' : 'primary'}`}
                  onClick={() => finish(true)}
                  data-testid="confirm-dialog-ok"
                  data-autofocus
                >
                  {options.confirmLabel ?? 'OK'}
                </button>
              </>
            }
          >
            <p>{options.message}</p>
          </Dialog>
        );
      },
      () => resolve(false),
    ),
  );
}
