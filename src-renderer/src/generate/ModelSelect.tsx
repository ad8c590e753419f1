import { useMemo, useState } from 'react';
import type { ModelInfo } from '@contract/index';
import { families, familyName, modelRef, shortName } from '../models/labels';
import { GenIcon } from './GenIcon';

/**
 * A search box over a native select grouped by family: keyboard and screen readers get the
 * platform's own list, and hundreds of models stay findable by typing.
 */
export function ModelSelect({
  models,
  value,
  onChange,
  id,
  testId,
  placeholder,
  searchLabel,
  invalid,
  describedBy,
  label,
  disabled,
  knownNames,
}: {
  models: ModelInfo[];
  value: string;
  onChange: (ref: string) => void;
  id: string;
  testId: string;
  placeholder: string;
  searchLabel: string;
  invalid?: boolean;
  describedBy?: string;
  /** For a select without a <label> of its own. */
  label?: string;
  disabled?: boolean;
  /** Names by ref, for a chosen model that is no longer listed (its file went away). */
  knownNames?: Record<string, string>;
}) {
  const [search, setSearch] = useState('');
  const groups = useMemo(() => {
    const q = search.trim().toLowerCase();
    const shown = models.filter(
      (m) =>
        modelRef(m) === value ||
        !q ||
        m.name.toLowerCase().includes(q) ||
        m.triggerToken?.toLowerCase().includes(q) ||
        m.baseModel?.toLowerCase().includes(q),
    );
    return families
      .map((f) => ({
        family: f,
        models: shown.filter((m) => (m.family ?? 'unknown') === f),
      }))
      .filter((g) => g.models.length > 0);
  }, [models, search, value]);
  const count = groups.reduce((n, g) => n + g.models.length, 0);
  return (
    <div className="gen-model-select">
      <div className="gen-search">
        <GenIcon name="search" size={14} />
        <input
          type="search"
          aria-label={searchLabel}
          placeholder="Search by name or trigger"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          data-testid={`${testId}-search`}
        />
      </div>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        aria-label={label}
        disabled={disabled}
        data-testid={testId}
      >
        <option value="" disabled={!!value}>
          {count === 0 && search ? 'Nothing matches the search' : placeholder}
        </option>
        {value && !models.some((m) => modelRef(m) === value) && (
          <option value={value}>{shortName(knownNames?.[value] ?? value)} (not found here)</option>
        )}
        {groups.map((g) => (
          <optgroup
            key={g.family}
            label={g.family === 'unknown' ? 'Other (family not known)' : familyName(g.family)}
          >
            {g.models.map((m) => (
              <option key={m.matchKey} value={modelRef(m)}>
                {shortName(m.name)}
                {m.nonCommercial ? ' · non-commercial' : ''}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </div>
  );
}
