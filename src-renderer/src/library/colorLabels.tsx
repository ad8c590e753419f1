import type { ColorLabel } from '@contract/index';
import './browsing.css';

/** Lightroom's colour labels, in its order; 6–9 set the first four, purple is set from the panels. */
export const labelList: readonly { label: ColorLabel; name: string; key: string | null }[] = [
  { label: 'red', name: 'Red', key: '6' },
  { label: 'yellow', name: 'Yellow', key: '7' },
  { label: 'green', name: 'Green', key: '8' },
  { label: 'blue', name: 'Blue', key: '9' },
  { label: 'purple', name: 'Purple', key: null },
];

export const labelByKey: Readonly<Record<string, ColorLabel>> = {
  '6': 'red',
  '7': 'yellow',
  '8': 'green',
  '9': 'blue',
};

export function labelName(label: ColorLabel): string {
  return labelList.find((l) => l.label === label)?.name ?? label;
}

/** A small dot in the label's colour (CSS: `.label-dot.label-red` …). */
export function LabelDot({ label, testId }: { label: ColorLabel | null; testId?: string }) {
  if (!label) return null;
  return (
    <span
      className={`label-dot label-${label}`}
      title={`${labelName(label)} label`}
      aria-label={`${labelName(label)} label`}
      data-testid={testId}
      data-label={label}
    />
  );
}

/**
 * Five swatches and a clear button. `value` undefined means mixed or unknown (the bulk bar):
 * no swatch is shown as on.
 */
export function LabelPicker({
  value,
  onChange,
  testId,
}: {
  value: ColorLabel | null | undefined;
  onChange(label: ColorLabel | null): void;
  testId?: string;
}) {
  return (
    <span className="label-picker" role="group" aria-label="Colour label" data-testid={testId}>
      {labelList.map((l) => {
        const on = value === l.label;
        return (
          <button
            key={l.label}
            type="button"
            className={`label-swatch label-${l.label}${on ? ' on' : ''}`}
            onClick={() => onChange(on ? null : l.label)}
            aria-pressed={on}
            aria-label={`${l.name} label`}
            title={`${l.name}${l.key ? ` (${l.key})` : ''}${on ? ' · click to clear' : ''}`}
            data-label={l.label}
          />
        );
      })}
      <button
        type="button"
        className="label-swatch label-clear"
        onClick={() => onChange(null)}
        aria-label="No label"
        title="No label"
        disabled={value === null}
      >
        ✕
      </button>
    </span>
  );
}
