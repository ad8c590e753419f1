import type { DatasetItemInfo, TrainingInfo, TrainingStatus } from '@contract/index';

export const runStatusLabel: Record<TrainingStatus, string> = {
  queued: 'Queued',
  running: 'Training',
  paused: 'Paused',
  completed: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** A run that no longer runs or waits: it may be deleted. */
export const finished = (s: TrainingStatus) =>
  s === 'completed' || s === 'failed' || s === 'cancelled';

/** "12 s", "4 min", "1 h 20 min" (null: nothing). */
export function duration(sec: number | null | undefined): string | null {
  if (sec === null || sec === undefined || !Number.isFinite(sec) || sec < 0) return null;
  if (sec < 60) return `${Math.max(1, Math.round(sec))} s`;
  const m = Math.round(sec / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function bytes(n: number | null): string {
  if (n === null) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

export function lossText(loss: number | null | undefined): string {
  return loss === null || loss === undefined ? '—' : loss.toFixed(4);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** "Step 120 of 300" or "Step 120" or "Not started". */
export function stepText(r: Pick<TrainingInfo, 'step' | 'totalSteps'>): string {
  if (!r.step && r.totalSteps) return `0 of ${r.totalSteps.toLocaleString()} steps`;
  return r.totalSteps
    ? `${r.step.toLocaleString()} of ${r.totalSteps.toLocaleString()} steps`
    : `${plural(r.step, 'step')}`;
}

/**
 * The sample prompts the server uses when none are given (its defaultSamplePrompts): the trigger
 * token alone, then two of the dataset's captions. Shown as the field's placeholder.
 */
export function defaultSamplePrompts(trigger: string, items: DatasetItemInfo[]): string[] {
  const captions = items.filter((i) => !i.excluded).map((i) => i.caption.trim());
  const distinct = [...new Set(captions.filter((c) => c && c !== trigger))];
  const picks = [trigger];
  if (distinct.length) picks.push(distinct[0]!);
  if (distinct.length > 1) picks.push(distinct[Math.floor(distinct.length / 2)]!);
  return picks;
}

/** What the LoRA is called when no name is given: the trigger token, made file-safe. */
export function loraNameFrom(trigger: string): string {
  return (
    trigger
      .normalize('NFKD')
      .replace(/[^\w.-]+/g, '_')
      .replace(/^[_.-]+|[_.-]+$/g, '')
      .slice(0, 60) || 'lora'
  );
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
export function when(iso: string): string {
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString() ? time.format(d) : dateTime.format(d);
}
