import { useEffect, useId, useState, type ReactNode } from 'react';

/** A labelled control with its hint and error below; the error is announced and linked. */
export function Field({
  label,
  id,
  error,
  hint,
  children,
  className,
  actions,
}: {
  label: string;
  id: string;
  error?: string | undefined;
  hint?: ReactNode;
  children: ReactNode;
  className?: string;
  /** Buttons at the label's end (a dice, a refresh). */
  actions?: ReactNode;
}) {
  return (
    <div className={`gen-field${error ? ' has-error' : ''}${className ? ` ${className}` : ''}`}>
      <div className="gen-label-row">
        <label htmlFor={id}>{label}</label>
        {actions}
      </div>
      {children}
      {hint && !error && <div className="gen-hint">{hint}</div>}
      {error && (
        <div className="gen-field-error" id={`${id}-error`} role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

/**
 * A number input that lets its text be retyped freely: onChange gets NaN while it is empty or
 * half-typed (validation says so), and the text follows the value when it changes elsewhere.
 */
export function NumberField({
  value,
  onChange,
  id,
  min,
  max,
  step,
  placeholder,
  disabled,
  invalid,
  testId,
  label,
}: {
  value: number | null;
  onChange: (n: number) => void;
  id?: string;
  min?: number;
  max?: number;
  step?: number | 'any';
  placeholder?: string;
  disabled?: boolean;
  invalid?: boolean;
  testId?: string;
  /** For fields without a visible <label>. */
  label?: string;
}) {
  const fallbackId = useId();
  const [text, setText] = useState(value === null || Number.isNaN(value) ? '' : String(value));
  useEffect(() => {
    setText((t) => {
      const parsed = t.trim() === '' ? null : Number(t);
      if (value === null) return parsed === null ? t : '';
      if (Number.isNaN(value)) return t;
      return parsed === value ? t : String(value);
    });
  }, [value]);
  return (
    <input
      id={id ?? fallbackId}
      type="number"
      inputMode="decimal"
      value={text}
      min={min}
      max={max}
      step={step}
      placeholder={placeholder}
      disabled={disabled}
      aria-label={label}
      aria-invalid={invalid || undefined}
      aria-describedby={invalid && id ? `${id}-error` : undefined}
      data-testid={testId}
      onChange={(e) => {
        const t = e.target.value;
        setText(t);
        onChange(t.trim() === '' ? Number.NaN : Number(t));
      }}
    />
  );
}
