import { useEffect, useRef, useState } from 'react';
import type { TagInfo } from '@contract/index';
import { api } from '../api/client';

interface Props {
  onSubmit(names: string[]): void;
  onCancel?(): void;
  autoFocus?: boolean;
  placeholder?: string;
}

/** A tag field with autocomplete by prefix (most used first); Enter adds, Tab completes. */
export function TagInput({ onSubmit, onCancel, autoFocus, placeholder = 'Add tags…' }: Props) {
  const [text, setText] = useState('');
  const [options, setOptions] = useState<TagInfo[]>([]);
  const [active, setActive] = useState(0);
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (autoFocus) ref.current?.focus();
  }, [autoFocus]);
  const current = text.split(',').pop()!.trim();
  useEffect(() => {
    let live = true;
    api
      .call('tags.list', { prefix: current || undefined, limit: 8 })
      .then((t) => live && (setOptions(t), setActive(0)))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [current]);
  const complete = (name: string) => {
    const parts = text.split(',');
    parts[parts.length - 1] = name;
    return parts.join(',');
  };
  const submit = (value: string) => {
    const names = value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (names.length) onSubmit(names);
    setText('');
  };
  return (
    <div className="tag-input">
      <input
        ref={ref}
        value={text}
        placeholder={placeholder}
        aria-label="Tag name"
        data-testid="tag-input"
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          e.stopPropagation();
          if (e.key === 'Escape') onCancel?.();
          else if (e.key === 'ArrowDown') setActive((a) => Math.min(options.length - 1, a + 1));
          else if (e.key === 'ArrowUp') setActive((a) => Math.max(0, a - 1));
          else if (e.key === 'Tab' && options[active] && current) {
            e.preventDefault();
            setText(complete(options[active].name) + ', ');
          } else if (e.key === 'Enter') {
            e.preventDefault();
            const exact = options.find((o) => o.name.toLowerCase() === current.toLowerCase());
            submit(exact || !current || !options[active] || e.shiftKey ? text : complete(current));
          }
        }}
      />
      {current && options.length > 0 && (
        <ul className="tag-options" role="listbox">
          {options.map((o, i) => (
            <li
              key={o.id}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                submit(complete(o.name));
              }}
            >
              <span className="tag-dot" style={{ background: o.color ?? 'var(--text-muted)' }} />
              {o.name}
              <span className="muted">{o.usageCount}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
