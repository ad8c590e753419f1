import { useEffect, useId, useRef, useState } from 'react';
import type { TagInfo } from '@contract/index';
import { api } from '../api/client';
import { toastError } from '../stores/toasts';
import { Icon } from './Icon';
import './TagChips.css';

/** What entityTags.set can tag (assets have their own curation tags). */
export type TaggedKind = 'project' | 'collection' | 'order';

const MAX_TAGS = 50;
const MAX_LENGTH = 100;

const keyOf = (tags: readonly string[]) => tags.map((t) => t.toLowerCase()).join('\u0000');

/** `names` added to `tags`: trimmed, at most 100 characters, none twice (case aside). */
export function addTags(tags: readonly string[], names: readonly string[]): string[] {
  const out = [...tags];
  const seen = new Set(out.map((t) => t.toLowerCase()));
  for (const raw of names) {
    const name = raw.trim().slice(0, MAX_LENGTH).trim();
    if (!name || seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    out.push(name);
  }
  return out;
}

interface Props {
  kind: TaggedKind;
  id: string;
  /** The tags as stored; the chips follow them whenever no save is on its way. */
  tags: readonly string[];
  /** After each save, with what the server kept (sorted by name). */
  onSaved?(tags: string[]): void;
  disabled?: boolean;
  /** Names the field for screen readers: "Tags of Autumn campaign". */
  label: string;
  placeholder?: string;
  /** Borderless until hovered or focused: for a card's meta line. */
  compact?: boolean;
  testId?: string;
}

/**
 * Tags as chips that save as they change (entityTags.set): type a name and press Enter or a
 * comma to add it (existing tags are suggested as you type), ✕ removes one, Backspace in the
 * empty field removes the last. A pasted "a, b, c" adds three.
 */
export function TagChips({
  kind,
  id,
  tags,
  onSaved,
  disabled = false,
  label,
  placeholder = 'Add a tag…',
  compact = false,
  testId = 'tag-chips',
}: Props) {
  const [value, setValue] = useState<string[]>(() => [...tags]);
  const [text, setText] = useState('');
  const [focused, setFocused] = useState(false);
  const [options, setOptions] = useState<TagInfo[]>([]);
  const [active, setActive] = useState(-1);
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  // The latest chips and the saves in flight: quick adds build on each other, in order.
  const latest = useRef(value);
  const pending = useRef(0);
  const chain = useRef<Promise<unknown>>(Promise.resolve());
  const saved = useRef<string[]>([...tags]);

  const tagsKey = keyOf(tags);
  useEffect(() => {
    saved.current = [...tags];
    if (pending.current > 0) return;
    latest.current = [...tags];
    setValue([...tags]);
    // tagsKey stands for tags: a new array with the same names is no change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tagsKey, id]);

  const query = text.trim();
  useEffect(() => {
    if (!query || !focused) {
      setOptions([]);
      return;
    }
    let live = true;
    const t = setTimeout(() => {
      api.call('tags.list', { prefix: query, limit: 8 }).then(
        (list) => {
          if (!live) return;
          const have = new Set(latest.current.map((x) => x.toLowerCase()));
          setOptions(list.filter((o) => !have.has(o.name.toLowerCase())));
          setActive(-1);
        },
        () => undefined,
      );
    }, 120);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [query, focused]);

  const save = (next: string[]) => {
    if (keyOf(next) === keyOf(latest.current)) return;
    if (next.length > MAX_TAGS) {
      toastError('Too many tags', `At most ${MAX_TAGS} tags on one ${kind}.`);
      return;
    }
    latest.current = next;
    setValue(next);
    pending.current++;
    chain.current = chain.current.then(async () => {
      try {
        const r = await api.call('entityTags.set', { kind, id, tags: next });
        if (latest.current === next) onSaved?.(r.tags);
      } catch (err) {
        toastError('Could not save the tags', err);
        // Back to what is stored; later saves (if any) are still on their way.
        if (latest.current === next) {
          latest.current = saved.current;
          setValue(saved.current);
        }
      } finally {
        pending.current--;
      }
    });
  };

  const add = (names: string[]) => save(addTags(latest.current, names));
  const remove = (tag: string) => save(latest.current.filter((t) => t !== tag));

  const commitText = () => {
    if (query) add([query]);
    setText('');
    setOptions([]);
  };

  const showOptions = focused && query !== '' && options.length > 0;

  return (
    <div
      className={`tagchips${compact ? ' compact' : ''}${disabled ? ' disabled' : ''}${focused ? ' focused' : ''}`}
      data-testid={testId}
      onMouseDown={(e) => {
        // A click on the box (not a chip's ✕) puts the cursor in the field.
        if (e.target === e.currentTarget && !disabled) {
          e.preventDefault();
          input.current?.focus();
        }
      }}
    >
      {value.length > 0 && (
        <ul className="tagchips-list" aria-label={label}>
          {value.map((t) => (
            <li key={t} className="tagchip" data-testid={`${testId}-chip`} data-tag={t}>
              <span className="tagchip-name" title={t}>
                {t}
              </span>
              {!disabled && (
                <button
                  type="button"
                  className="tagchip-remove"
                  aria-label={`Remove tag ${t}`}
                  title="Remove"
                  onClick={() => remove(t)}
                  data-testid={`${testId}-remove`}
                >
                  <Icon name="close" size={11} />
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {disabled ? (
        value.length === 0 && <span className="tagchips-none">No tags</span>
      ) : (
        <input
          ref={input}
          className="tagchips-input"
          value={text}
          placeholder={value.length ? '' : placeholder}
          aria-label={`Add a tag (${label})`}
          role="combobox"
          aria-expanded={showOptions}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={showOptions && active >= 0 ? `${listId}-${active}` : undefined}
          maxLength={MAX_LENGTH * 4}
          data-testid={`${testId}-input`}
          onFocus={() => setFocused(true)}
          onBlur={() => {
            setFocused(false);
            commitText();
          }}
          onChange={(e) => {
            const v = e.target.value;
            if (!v.includes(',')) return setText(v);
            // Typed or pasted commas: every finished name is added; the rest stays to type on.
            const parts = v.split(',');
            const rest = parts.pop() ?? '';
            add(parts);
            setText(rest.trimStart());
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              if (!text) return; // Let a dialog close.
              e.preventDefault();
              setText('');
            } else if (e.key === 'Enter') {
              e.preventDefault();
              const pick = showOptions && active >= 0 ? options[active] : undefined;
              if (pick) {
                add([pick.name]);
                setText('');
                setOptions([]);
              } else commitText();
            } else if (e.key === 'Backspace' && text === '' && latest.current.length > 0) {
              e.preventDefault();
              remove(latest.current[latest.current.length - 1]!);
            } else if (e.key === 'ArrowDown' && showOptions) {
              e.preventDefault();
              setActive((a) => Math.min(options.length - 1, a + 1));
            } else if (e.key === 'ArrowUp' && showOptions) {
              e.preventDefault();
              setActive((a) => Math.max(-1, a - 1));
            }
            // The page's own shortcuts (the Library's P, X, 0–5…) stay out of a field being typed in.
            e.stopPropagation();
          }}
        />
      )}
      {showOptions && (
        <ul className="tagchips-options" role="listbox" id={listId} aria-label="Existing tags">
          {options.map((o, i) => (
            <li
              key={o.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : ''}
              onMouseDown={(e) => {
                // Keep the focus in the field: its blur would add the half-typed text instead.
                e.preventDefault();
                add([o.name]);
                setText('');
                setOptions([]);
              }}
            >
              <span
                className="tagchips-dot"
                style={{ background: o.color ?? 'var(--text-muted)' }}
              />
              <span className="grow">{o.name}</span>
              <span className="tagchips-count">{o.usageCount.toLocaleString()}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
