/**
 * Progress parsers: pure functions from one output line (already split on \r and \n) to a
 * fraction, tested against recorded output. Stateful formats (ffmpeg's key=value blocks) are a
 * reducer over an explicit state so they stay pure too.
 */
export interface ParsedProgress {
  fraction: number;
  message?: string;
}

export interface ProgressParser {
  /** Returns progress when this line completes a progress report, else null. */
  feed(line: string): ParsedProgress | null;
  /**
   * Whether the line belongs to the progress stream (and so is neither logged nor kept for the
   * error message): ffmpeg's `-progress` blocks are a dozen lines a tick that would push the real
   * error out of a job's log tail.
   */
  isProgressLine?(line: string): boolean;
}

const clamp01 = (n: number) => (n < 0 ? 0 : n > 1 ? 1 : n);

/** Real-ESRGAN ncnn prints `NN.NN%` per tile; it never prints 100% before the end (exit is the end). */
export function parseRealEsrganLine(line: string): ParsedProgress | null {
  const m = /^\s*(\d{1,3}(?:\.\d+)?)%\s*$/.exec(line);
  if (!m) return null;
  return { fraction: clamp01(Number(m[1]) / 100) };
}

export interface FfmpegProgressState {
  outTimeUs: number | null;
  speed: string | null;
}

export const initialFfmpegState: FfmpegProgressState = { outTimeUs: null, speed: null };

/**
 * ffmpeg `-progress pipe:1` prints key=value lines ending each block with `progress=continue` or
 * `progress=end`. out_time_us (and out_time_ms, which is microseconds too) may be N/A early on.
 */
export function ffmpegProgressStep(
  state: FfmpegProgressState,
  line: string,
  durationSec: number | null,
): { state: FfmpegProgressState; progress: ParsedProgress | null } {
  const eq = line.indexOf('=');
  if (eq <= 0) return { state, progress: null };
  const key = line.slice(0, eq).trim();
  const value = line.slice(eq + 1).trim();
  switch (key) {
    case 'out_time_us':
    case 'out_time_ms': {
      const n = Number(value);
      return {
        state: Number.isFinite(n) && value !== '' ? { ...state, outTimeUs: n } : state,
        progress: null,
      };
    }
    case 'speed':
      return { state: { ...state, speed: value === 'N/A' ? null : value }, progress: null };
    case 'progress': {
      if (value === 'end') return { state, progress: { fraction: 1 } };
      if (!durationSec || durationSec <= 0 || state.outTimeUs === null)
        return { state, progress: null };
      const fraction = clamp01(state.outTimeUs / (durationSec * 1e6));
      return {
        state,
        progress: { fraction, ...(state.speed ? { message: `speed ${state.speed}` } : {}) },
      };
    }
    default:
      return { state, progress: null };
  }
}

export function ffmpegProgressParser(durationSec: number | null): ProgressParser {
  let state = initialFfmpegState;
  return {
    feed(line) {
      const r = ffmpegProgressStep(state, line, durationSec);
      state = r.state;
      return r.progress;
    },
    isProgressLine: (line) => ffmpegProgressKey.test(line),
  };
}

/** `frame=12`, `out_time_us=1000000`, `speed= 342x`, `progress=continue`… */
const ffmpegProgressKey = /^[a-z][a-z0-9_]*= *\S*$/;

/** stable-diffusion.cpp: `|====>   | 3/20 - 1.52s/it`. */
export function parseSdCppLine(line: string): ParsedProgress | null {
  const m = /\|\s*(\d+)\/(\d+) - ([\d.]+)(s\/it|it\/s)/.exec(line);
  if (!m) return null;
  const total = Number(m[2]);
  if (!total) return null;
  return {
    fraction: clamp01(Number(m[1]) / total),
    message: `step ${m[1]}/${m[2]} · ${m[3]}${m[4]}`,
  };
}

/** tqdm (kohya): `steps:  40%|████      | 2/5 [00:00<00:00, 19.87it/s, avr_loss=1.12]`. */
export function parseTqdmLine(line: string): ParsedProgress | null {
  const m = /(?:^|\s|:)\s*(\d{1,3})%\|[^|]*\|\s*(\d+)\/(\d+)/.exec(line);
  if (!m) return null;
  const total = Number(m[3]);
  if (!total) return null;
  const loss = /avr_loss=([\d.]+)/.exec(line);
  return {
    fraction: clamp01(Number(m[2]) / total),
    message: `${m[2]}/${m[3]}${loss ? ` · loss ${loss[1]}` : ''}`,
  };
}

export function lineParser(parse: (line: string) => ParsedProgress | null): ProgressParser {
  return { feed: parse };
}

/** Splits a stream of chunks into lines on \r, \n and \r\n (progress bars redraw with \r). */
export class LineSplitter {
  private rest = '';
  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const parts = text.split(/\r\n|\r|\n/);
    this.rest = parts.pop() ?? '';
    return parts;
  }
  flush(): string[] {
    const r = this.rest;
    this.rest = '';
    return r ? [r] : [];
  }
}
