import { useEffect, useRef } from 'react';
import { cueShortcuts } from './useCueKeys';

/** The cue editor's keys, in a popover under its button; a click outside or Esc closes it. */
export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onDown = (e: PointerEvent) => {
      const t = e.target as Node;
      if (box.current?.contains(t)) return;
      // Its own button toggles it: closing here first would open it again on the click.
      if ((t as HTMLElement).closest?.('[data-testid=loc-shortcuts-button]')) return;
      onClose();
    };
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, [onClose]);
  return (
    <div
      ref={box}
      className="loc-shortcuts"
      role="dialog"
      aria-label="Keyboard shortcuts"
      data-testid="loc-shortcuts"
    >
      <h2>Keyboard shortcuts</h2>
      <p className="loc-muted">
        For the selected cue, while you are not typing in a field. Edits save when you leave a
        field.
      </p>
      <dl>
        {cueShortcuts.map(([k, v]) => (
          <div key={k}>
            <dt>
              {k.split(/\s{2,}/).map((part, i) =>
                /^(or|and)$/.test(part) ? (
                  <span key={i} className="loc-muted">
                    {' '}
                    {part}{' '}
                  </span>
                ) : (
                  <kbd key={i}>{part}</kbd>
                ),
              )}
            </dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
