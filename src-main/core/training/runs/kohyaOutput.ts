/**
 * What kohya prints, pure. Its tqdm bar (`steps:  50%|█████     | 1/2 [00:01<00:01,  1.23s/it,
 * avr_loss=1.55]`) shares stderr with multi-line rich logs, often on the same line; the summary
 * block on stdout names the total steps before the first one.
 */
export interface KohyaStep {
  step: number;
  total: number;
  loss: number | null;
  secPerIt: number | null;
  itPerSec: number | null;
  /** tqdm's own estimate of what is left. */
  etaSec: number | null;
}

function clock(s: string): number | null {
  if (!/^\d+(:\d+){1,2}$/.test(s)) return null;
  return s.split(':').reduce((t, p) => t * 60 + Number(p), 0);
}

export function parseKohyaStep(line: string): KohyaStep | null {
  const m =
    /steps:\s+\d{1,3}%\|[^|]*\|\s*(\d+)\/(\d+)\s*\[([\d:]+)<([\d:?]+),\s*([\d.]+|\?)(s\/it|it\/s)(?:,\s*avr_loss=([\d.eE+-]+|nan))?/.exec(
      line,
    );
  if (!m) return null;
  const rate = m[5] === '?' ? null : Number(m[5]);
  const loss = m[7] && m[7] !== 'nan' ? Number(m[7]) : null;
  return {
    step: Number(m[1]),
    total: Number(m[2]),
    loss: loss !== null && Number.isFinite(loss) ? loss : null,
    secPerIt: rate !== null && m[6] === 's/it' ? rate : null,
    itPerSec: rate !== null && m[6] === 'it/s' ? rate : null,
    etaSec: clock(m[4]!),
  };
}

/** `total optimization steps / 学習ステップ数: 2` */
export function parseTotalSteps(line: string): number | null {
  const m = /total optimization steps[^:]*:\s*(\d+)/.exec(line);
  return m ? Number(m[1]) : null;
}

/** `epoch 1/10` */
export function parseEpoch(line: string): { epoch: number; total: number } | null {
  const m = /^epoch (\d+)\/(\d+)\s*$/.exec(line.trim());
  return m ? { epoch: Number(m[1]), total: Number(m[2]) } : null;
}

/**
 * The trainer's failure in words a creator can act on, from its last lines: out of GPU memory,
 * a full disk, a missing Python module, or the exception it died of.
 */
export function explainKohyaFailure(lines: string[], exitCode: number | null): string {
  const text = lines.join('\n');
  const errorLines = lines
    .map((l) => l.trim())
    .filter(
      (l) =>
        /^([\w.]+(Error|Exception|Interrupt)|torch\.[\w.]+Error)\b.*:/.test(l) ||
        /^[\w.]+Error$/.test(l),
    );
  // accelerate's launcher ends every failure with its own CalledProcessError: the trainer's
  // exception before it is the one that says what happened.
  const own = errorLines.filter((l) => !l.startsWith('subprocess.CalledProcessError'));
  const lastError = own.at(-1) ?? errorLines.at(-1);
  const said = lastError
    ? ` (${lastError.length > 300 ? `${lastError.slice(0, 300)}…` : lastError})`
    : '';
  if (/out of memory|OutOfMemoryError/i.test(text))
    return `The GPU ran out of memory while training${said}. Lower the batch size, the network size or the resolution, or close other programs using the GPU, then resume: the run continues from its last save.`;
  if (/No space left on device|Errno 28/.test(text))
    return `The disk filled up while the trainer was saving${said}. Free some space, then resume: the run continues from its last complete save.`;
  const mod = /No module named '([\w.]+)'/.exec(text);
  if (mod)
    return `kohya's Python has no module “${mod[1]}”: install sd-scripts' requirements into the Python set in Settings → Engines.`;
  if (lastError)
    return `The trainer stopped: ${lastError.length > 500 ? `${lastError.slice(0, 500)}…` : lastError}`;
  // No exception printed: killed from outside (out of RAM, a kill -9, a power cut of the GPU).
  if (exitCode === null || exitCode < 0 || exitCode > 128)
    return 'The trainer was stopped from outside before it could say why (killed, or out of memory on this computer). Resume the run: it continues from its last save.';
  return `The trainer exited with code ${exitCode} without an error message; its log (Jobs page) shows its last words. Resume the run to continue from its last save.`;
}
