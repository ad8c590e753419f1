import { AppError } from '../../contract/errors';

export interface LoudnormMeasure {
  input_i: string;
  input_tp: string;
  input_lra: string;
  input_thresh: string;
  target_offset: string;
}

/** loudnorm's first pass prints a JSON object after a `[Parsed_loudnorm_0 @ …]` line on stderr. */
export function parseLoudnormJson(stderr: string): LoudnormMeasure {
  const at = stderr.lastIndexOf('[Parsed_loudnorm');
  const start = stderr.indexOf('{', at < 0 ? 0 : at);
  const end = stderr.indexOf('}', start);
  if (start < 0 || end < 0)
    throw new AppError('internal', 'ffmpeg loudnorm printed no measurement');
  const m = JSON.parse(stderr.slice(start, end + 1)) as Partial<LoudnormMeasure>;
  for (const k of ['input_i', 'input_tp', 'input_lra', 'input_thresh', 'target_offset'] as const) {
    if (typeof m[k] !== 'string')
      throw new AppError('internal', `ffmpeg loudnorm measurement lacks ${k}`);
  }
  return m as LoudnormMeasure;
}

export function loudnormSecondPass(
  target: { i: number; tp: number; lra: number },
  m: LoudnormMeasure,
): string {
  // Silence measures as -inf; loudnorm cannot normalise it, so fall back to one-pass values.
  const finite = (v: string) => Number.isFinite(Number(v));
  if (![m.input_i, m.input_tp, m.input_lra, m.input_thresh, m.target_offset].every(finite)) {
    return `loudnorm=I=${target.i}:TP=${target.tp}:LRA=${target.lra}`;
  }
  return (
    `loudnorm=I=${target.i}:TP=${target.tp}:LRA=${target.lra}:measured_I=${m.input_i}:measured_TP=${m.input_tp}` +
    `:measured_LRA=${m.input_lra}:measured_thresh=${m.input_thresh}:offset=${m.target_offset}:linear=true`
  );
}
