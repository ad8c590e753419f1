#!/usr/bin/env node
// A stand-in for stable-diffusion.cpp's `sd-cli` that replays recordings of the real program
// (test/fixtures/engines/recordings/sd-cli: every stdout/stderr chunk with its arrival time).
//
// Replayed exactly: the run recorded as `4-steps` (any txt2img run with an existing model),
// `4-steps-missing-lora` (a `<lora:NAME:w>` whose file is not in --lora-model-dir) and
// `missing-model` (-m path that does not exist), chunk by chunk at the recorded offsets, with the
// values the real engine would print for this argv put where the recording printed the recorded
// argv's (model path, size, seed, sampler, scheduler, output names). Given the recorded argv, the
// bytes are the recorded bytes.
// Synthesized, in the recorded format: progress lines when --steps is not 4, the extra blocks of a
// batch (-b N: one `generating image` / steps / `sampling completed` per image, one `latent i
// decoded` and one `save result image` per image), the img2img lines, argument errors and usage
// (the real help text, sd-cli-help.txt, and the real error lines with their file:line), and the
// -M vid_gen video (an MJPG AVI laid out byte for byte like media_io.cpp's writer; JPEG frames via
// sharp). A found LoRA prints nothing extra (no recording of that case).
//
// Environment: FAKE_SDCLI_STEP_MS=N makes every sampling step take N ms and everything else
// instant (a fixed step time for benchmarks); FAKE_SDCLI_SPEED=F multiplies the recorded delays
// (0 = no waiting, default 1). SIGTERM ends it at once, like the real program (no handler).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { resized, setText, size as pngSize } from './png.mjs';
import {
  SAMPLERS,
  SCHEDULERS,
  defaultScheduler,
  imageParameters,
  schedulerName,
} from './sdcppMeta.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RECORDINGS = path.join(HERE, '../fixtures/engines/recordings/sd-cli');
const HELP = fs.readFileSync(path.join(HERE, 'sd-cli-help.txt'), 'utf8');
const MODES = ['img_gen', 'adetailer', 'vid_gen', 'convert', 'upscale', 'metadata'];
const PREVIEWS = ['none', 'proj', 'tae', 'vae'];
// Options printed without a <type> hint that still take a value (manual options in common.cpp /
// main.cpp); the rest of the table comes from the help text itself.
const MANUAL_WITH_VALUE = new Set(
  '--mode --preview --imat-in --type --rng --sampler-rng --prediction --lora-apply-mode --seed --sampling-method --high-noise-sampling-method --scheduler --sigmas --hires-sigmas --skip-layers --high-noise-skip-layers --ref-image --ref-video --ref-video-audio --ref-audio --cache-mode --cache-option --scm-mask --scm-policy --vae-tile-size --vae-relative-tile-size --prompt-file --negative-prompt-file'.split(
    ' ',
  ),
);

const argv0 = process.argv[1];
const args = process.argv.slice(2);
const speed = process.env.FAKE_SDCLI_SPEED === undefined ? 1 : Number(process.env.FAKE_SDCLI_SPEED);
const stepMs =
  process.env.FAKE_SDCLI_STEP_MS === undefined ? null : Number(process.env.FAKE_SDCLI_STEP_MS);

// ---- output helpers ------------------------------------------------------------------------

/** A log line as example_log_printf/log_print format it: `[INFO ] file.cpp:NNN  - msg\n`. */
function logLine(level, where, line, msg) {
  const text = `[${level.padEnd(5)}] ${where}:${String(line).padEnd(4)} - ${msg}`;
  return text.endsWith('\n') ? text : `${text}\n`;
}
function logNow(level, where, line, msg) {
  fs.writeSync(level === 'ERROR' ? 2 : 1, logLine(level, where, line, msg));
}
function usage() {
  fs.writeSync(
    1,
    HELP.replace('Usage: sd-cli [options]', () => `Usage: ${argv0} [options]`),
  );
}
/** An uncaught std::invalid_argument from std::stoi and friends: libstdc++ prints, then abort(). */
function cxxThrow(kind, fn) {
  fs.writeSync(
    2,
    `terminate called after throwing an instance of 'std::${kind}'\n  what():  ${fn}\n`,
  );
  process.kill(process.pid, 'SIGABRT');
}

// ---- argv (parse_options in examples/common/common.cpp) --------------------------------------

const table = new Map(); // flag → { name: long name, kind: 'string'|'int'|'float'|'bool'|'value'|'flag' }
for (const m of HELP.matchAll(
  /^ {2}(?:(-[A-Za-z]), )?(--[A-Za-z0-9_-]+)(?: <(string|int|float)>)?/gm,
)) {
  const [, short, long, hint] = m;
  const kind = hint ?? (MANUAL_WITH_VALUE.has(long) ? 'value' : 'flag');
  table.set(long, { name: long, kind });
  if (short) table.set(short, { name: long, kind });
}

/** C's strtol/strtod prefix rule behind std::stoi/std::stof: leading number, or nothing. */
function cxxNumber(text, isFloat, fn) {
  const m = isFloat
    ? /^\s*([+-]?(?:inf(?:inity)?|nan|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?))/i.exec(text)
    : /^\s*([+-]?\d+)/.exec(text);
  if (!m) return cxxThrow('invalid_argument', fn);
  const v = isFloat ? Number(m[1].replace(/^([+-]?)inf(inity)?$/i, '$1Infinity')) : Number(m[1]);
  if (!isFloat && Math.abs(v) > (fn === 'stoll' ? 2 ** 63 : 2 ** 31))
    return cxxThrow('out_of_range', fn);
  return Number.isNaN(v) && !/nan/i.test(m[1]) ? cxxThrow('invalid_argument', fn) : v;
}

const opt = {}; // long name → value (last one wins, like the real parser)
if (args[0] === '--version') {
  fs.writeSync(1, 'stable-diffusion.cpp version unknown, commit unknown\n');
  process.exit(0);
}
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  const o = table.get(arg);
  if (!o) {
    logNow('ERROR', 'common.cpp', 325, `error: unknown argument: ${arg}`);
    usage();
    process.exit(1);
  }
  if (o.name === '--help') {
    usage();
    process.exit(0);
  }
  if (o.kind === 'flag') {
    opt[o.name] = true;
    continue;
  }
  if (++i >= args.length) {
    logNow('ERROR', 'common.cpp', 320, `error: invalid parameter for argument: ${arg}`);
    usage();
    process.exit(1);
  }
  const value = args[i];
  let invalid = null; // [where, line, message] of a manual option that refuses its value
  if (o.name === '--mode' && !MODES.includes(value)) {
    logNow(
      'ERROR',
      'main.cpp',
      157,
      `error: invalid mode ${value}, must be one of [${MODES.join(', ')}]\n`,
    );
    process.exit(1);
  } else if (o.name === '--preview' && !PREVIEWS.includes(value)) {
    invalid = ['main.cpp', 178, `error: preview method ${value}`];
  } else if (
    (o.name === '--sampling-method' || o.name === '--high-noise-sampling-method') &&
    !(value in SAMPLERS)
  ) {
    invalid = ['common.cpp', 1258, `error: invalid sample method ${value}`];
  } else if (o.name === '--scheduler' && !(schedulerName(value) in SCHEDULERS)) {
    invalid = ['common.cpp', 1286, `error: invalid scheduler ${value}`];
  }
  if (invalid) {
    logNow('ERROR', ...invalid);
    logNow('ERROR', 'common.cpp', 320, `error: invalid parameter for argument: ${arg}`);
    usage();
    process.exit(1);
  }
  if (o.kind === 'int') opt[o.name] = cxxNumber(value, false, 'stoi');
  else if (o.kind === 'float') opt[o.name] = cxxNumber(value, true, 'stof');
  else if (o.name === '--seed') opt[o.name] = cxxNumber(value, false, 'stoll');
  else opt[o.name] = value;
}

// ---- resolve_and_validate ------------------------------------------------------------------

const mode = opt['--mode'] ?? 'img_gen';
const output = opt['--output'] ?? 'output.png';
const model = opt['--model'] ?? opt['--diffusion-model'] ?? '';
const failValidation = (where, line, msg) => {
  if (msg) logNow('ERROR', where, line, msg);
  usage();
  process.exit(1);
};
if (mode !== 'metadata' && output.length === 0) {
  failValidation('main.cpp', 233, 'error: the following arguments are required: output_path');
}
if (mode === 'metadata' && !opt['--image']) {
  failValidation('main.cpp', 238, 'error: metadata mode needs an image path (--image)');
}
if (!['convert', 'upscale', 'metadata'].includes(mode) && !model) {
  failValidation(
    'common.cpp',
    742,
    'error: the following arguments are required: model_path/diffusion_model\n',
  );
}

let seed = opt['--seed'] ?? 42;
if (seed < 0) seed = Math.floor(Math.random() * 2 ** 31); // srand(time(nullptr)); rand()
const gen = {
  prompt: opt['--prompt'] ?? '',
  negative: opt['--negative-prompt'] ?? '',
  width: opt['--width'] ?? -1,
  height: opt['--height'] ?? -1,
  steps: opt['--steps'] ?? 20,
  cfg: opt['--cfg-scale'] ?? 7,
  guidance: opt['--guidance'] ?? 3.5,
  eta: opt['--eta'] ?? Infinity,
  imgCfg: opt['--img-cfg-scale'] ?? Infinity,
  strength: opt['--strength'] ?? 0.75,
  batch: opt['--batch-count'] ?? 1,
  clipSkip: opt['--clip-skip'] ?? -1,
  videoFrames: opt['--video-frames'] ?? 1,
  fps: opt['--fps'] ?? 24,
  seed,
};
const warnings = []; // lines printed during resolve, before anything else
const loras = [];
const promptWithLora = gen.prompt;
const loraDir = opt['--lora-model-dir'] ?? '';
if (loraDir) {
  // extract_and_remove_lora(): every tag leaves the prompt, found or not.
  const re = /<lora:([^:>]+):([^>]+)>/;
  let rest = gen.prompt;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    rest = rest.slice(m.index + m[0].length);
    gen.prompt = gen.prompt.replace(re, '');
    const mul = /^\s*[+-]?(\d+\.?\d*|\.\d+)/.test(m[2]) ? parseFloat(m[2]) : null;
    if (mul === null) continue;
    let file = path.isAbsolute(m[1]) ? m[1] : path.join(loraDir, m[1]);
    if (!fs.existsSync(file)) {
      const ext = ['.gguf', '.safetensors', '.pt', '.ckpt'].find((e) => fs.existsSync(file + e));
      if (!ext) {
        warnings.push(
          logLine('WARN', 'common.cpp', 2179, `can not found lora ${path.normalize(file)}`),
        );
        continue;
      }
      file += ext;
    }
    const existing = loras.find((l) => l.name === path.normalize(file));
    if (existing) existing.multiplier += mul;
    else loras.push({ name: path.normalize(file), multiplier: mul });
  }
  loras.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)); // std::map order
}
if (gen.batch <= 0) failValidation('common.cpp', 2369, 'error: batch_count must be greater than 0');
if (gen.steps <= 0)
  failValidation('common.cpp', 2379, 'error: the sample_steps must be greater than 0\n');
if (gen.strength < 0 || gen.strength > 1) {
  failValidation('common.cpp', 2384, 'error: can only work with strength in [0.0, 1.0]\n');
}
if (gen.cfg < 0) failValidation('common.cpp', 2389, 'error: cfg_scale must be positive');
if (mode === 'vid_gen' && (gen.videoFrames <= 0 || gen.fps <= 0)) failValidation();
for (const w of warnings) fs.writeSync(1, w);

if (!['img_gen', 'vid_gen'].includes(mode)) {
  // The recordings cover image generation only: refuse the other modes the way the real parser
  // refuses a mode it does not know.
  logNow(
    'ERROR',
    'main.cpp',
    157,
    `error: invalid mode ${mode}, must be one of [img_gen, vid_gen]\n`,
  );
  process.exit(1);
}

const initImage = opt['--init-img'];
if (initImage) {
  let dims = null;
  try {
    dims = pngSize(fs.readFileSync(initImage));
  } catch {
    dims = null;
  }
  if (!dims) {
    logNow('ERROR', 'main.cpp', 749, `load image from '${initImage}' failed`);
    process.exit(1);
  }
  if (!(gen.width > 0 && gen.height > 0)) {
    logNow('INFO', 'common.cpp', 2205, `set width x height to ${dims.width} x ${dims.height}`);
    gen.width = dims.width;
    gen.height = dims.height;
  }
}
if (gen.width <= 0) gen.width = 512;
if (gen.height <= 0) gen.height = 512;

// ---- the timeline: recorded chunks, tokenised so runs that differ can be re-laid ------------

function loadRecording(name) {
  const lines = fs
    .readFileSync(path.join(RECORDINGS, `${name}.chunks.jsonl`), 'utf8')
    .trim()
    .split('\n');
  const tokens = [];
  lines.forEach((line, chunk) => {
    const c = JSON.parse(line);
    const text = Buffer.from(c.b64, 'base64').toString('utf8');
    // A token is a log line or one progress-bar update (`\r  |…|…\x1b[K`, with the newline the
    // last update carries).
    // eslint-disable-next-line no-control-regex
    for (const m of text.matchAll(/\r {2}\|[^\x1b]*\x1b\[K\n?|[^\r\n]*\n|[^\r\n]+$/g)) {
      tokens.push({ chunk, ms: c.ms, fd: c.fd, text: m[0] });
    }
  });
  const meta = JSON.parse(fs.readFileSync(path.join(RECORDINGS, `${name}.meta.json`), 'utf8'));
  return { tokens, meta };
}

/** The model path the recorded argv gave, which the recorded text carries and this run replaces. */
function recordedModel(meta) {
  const i = meta.argv.findIndex((x) => x === '-m' || x === '--model');
  return meta.argv[i + 1];
}

/** Where and how a recorded token belongs in the run. */
function classify(text) {
  if (/\| \d+\/\d+ - [\d.]+(it\/s|s\/it)\x1b\[K/.test(text)) return 'step'; // eslint-disable-line no-control-regex
  if (/ - can not found lora /.test(text)) return 'lora-warning';
  if (/ - generating image: \d+\/\d+ - seed /.test(text)) return 'generating-image';
  if (/ - sampling completed, taking /.test(text)) return 'sampling-completed';
  if (/ - generating \d+ latent images completed/.test(text)) return 'latents-completed';
  if (/ - decoding \d+ latents/.test(text)) return 'decoding';
  if (/ - latent \d+ decoded, taking /.test(text)) return 'latent-decoded';
  if (/ - decode_first_stage completed, taking /.test(text)) return 'decode-completed';
  if (/ - generate_image completed in /.test(text)) return 'generate-completed';
  if (/ - save result image \d+ to /.test(text)) return 'save';
  if (/ - \d+\/\d+ images saved/.test(text)) return 'saved';
  if (/ - sampling using .* method/.test(text)) return 'sampling-using';
  return 'other';
}

const outputs = outputPaths();
const runName = warnings.length ? '4-steps-missing-lora' : '4-steps';
const missingModel = !fs.existsSync(model);
const { tokens, meta } = loadRecording(missingModel ? 'missing-model' : runName);
const recordedModelPath = recordedModel(meta);
const sampler = opt['--sampling-method'] ?? 'euler_a'; // sd_get_default_sample_method(): SD1
const scheduler = opt['--scheduler']
  ? schedulerName(opt['--scheduler'])
  : defaultScheduler(sampler);

/** The values this run prints where the recording printed the recorded run's. */
function substitute(text) {
  let t = text.split(`'${recordedModelPath}'`).join(`'${model}'`);
  const format = /\.gguf$/i.test(model)
    ? ['236 ', 'gguf format']
    : /\.(ckpt|pth?)$/i.test(model)
      ? ['245 ', 'torch zip format']
      : ['242 ', 'safetensors format'];
  t = t.replace(
    /model_loader\.cpp:242 {2}- load (.*) using safetensors format/,
    () => `model_loader.cpp:${format[0]} - load ${model} using ${format[1]}`,
  );
  t = t.replace(/file .* not found$/m, `file ${model} not found`);
  t = t.replace(/generate_image \d+x\d+/, `generate_image ${gen.width}x${gen.height}`);
  t = t.replace(/denoiser\.hpp:\d+ *- get_sigmas.*$/m, () => {
    const [line, msg] = SCHEDULERS[scheduler];
    return `denoiser.hpp:${String(line).padEnd(4)} - ${msg}`;
  });
  t = t.replace(/sampling using .* method/, `sampling using ${SAMPLERS[sampler]} method`);
  return t;
}

const fmt2 = (ms) => (ms / 1000).toFixed(2);
/** One progress update as pretty_progress() prints it. */
function stepLine(step, steps, seconds) {
  const current = Math.floor(Math.fround(Math.fround(step * 50) / steps));
  let bar = '  |';
  for (let i = 0; i < 50; i++) bar += i > current ? ' ' : i === current && i !== 49 ? '>' : '=';
  const speedText =
    seconds < 1 && seconds > 0 ? `${(1 / seconds).toFixed(2)}it/s` : `${seconds.toFixed(2)}s/it`;
  return `\r${bar}| ${step}/${steps} - ${speedText}\x1b[K${step === steps ? '\n' : ''}`;
}

/**
 * Builds the writes of this run: [{ gap (ms after the previous write), fd, text, action }].
 * Tokens keep their recorded chunk as `group` so untouched stretches are written as recorded.
 */
function buildRun() {
  const out = [];
  let group = 0;
  const fresh = () => `new-${group++}`;
  const emit = (gap, fd, text, g, action) => out.push({ gap, fd, text, group: g, action });
  const recordedSteps = tokens.filter((t) => classify(t.text) === 'step');
  const recordedStepCount = recordedSteps.length;
  // img2img samples the last t_enc + 1 sigmas (prepare_image_generation_latents).
  let tEnc = null;
  let steps = gen.steps;
  if (initImage && gen.strength < 1) {
    tEnc = Math.floor(gen.steps * Math.fround(gen.strength));
    if (tEnc === gen.steps) tEnc--;
    steps = tEnc + 1;
  }
  const exact = steps === recordedStepCount && gen.batch === 1 && stepMs === null;
  // Step k's duration: the recorded gaps (the first one from the chunk before it), cycled.
  const firstStep = tokens.indexOf(recordedSteps[0]);
  const stepTimes = recordedSteps.map((t, i) =>
    i ? t.ms - recordedSteps[i - 1].ms : firstStep > 0 ? t.ms - tokens[firstStep - 1].ms : 0,
  );
  const stepGapMs = (k) =>
    stepMs !== null ? stepMs : stepTimes[k === 0 ? 0 : 1 + ((k - 1) % (stepTimes.length - 1))];
  const stepRate = (k) => {
    if (stepMs !== null) return stepMs / 1000;
    const t = recordedSteps[k === 0 ? 0 : 1 + ((k - 1) % (recordedSteps.length - 1))].text;
    const m = /- ([\d.]+)(it\/s|s\/it)/.exec(t);
    return m[2] === 'it/s' ? 1 / Number(m[1]) : Number(m[1]);
  };
  const steppedMs = (n) =>
    Array.from({ length: n }, (_, k) => stepGapMs(k)).reduce((a, b) => a + b, 0);
  const recordedSampling = stepTimes.reduce((a, b) => a + b, 0);
  const samplingDelta = (steppedMs(steps) - recordedSampling) * gen.batch;
  const emitSteps = (firstGap) => {
    for (let k = 0; k < steps; k++) {
      emit(
        k === 0 && stepMs === null ? firstGap : stepGapMs(k),
        1,
        stepLine(k + 1, steps, stepRate(k)),
        fresh(),
      );
    }
  };
  let prevMs = 0;
  let prevChunk = -1;
  let stepsDone = false;
  for (const t of tokens) {
    const gap = t.chunk === prevChunk ? 0 : t.ms - prevMs;
    prevMs = t.ms;
    prevChunk = t.chunk;
    const kind = classify(t.text);
    const text = substitute(t.text);
    switch (kind) {
      case 'lora-warning':
        // Written during argument resolution (above); keep its time so the rest stays in step.
        emit(gap, 1, '', fresh());
        break;
      case 'sampling-using':
        emit(gap, t.fd, text, t.chunk);
        if (initImage) {
          const lines =
            logLine('INFO', 'stable-diffusion.cpp', 4925, 'IMG2IMG') +
            (tEnc !== null
              ? logLine('INFO', 'stable-diffusion.cpp', 4969, `target t_enc is ${tEnc} steps`)
              : '');
          emit(0, 1, lines, fresh());
        }
        break;
      case 'generating-image':
        emit(
          gap,
          t.fd,
          text.replace(
            /generating image: \d+\/\d+ - seed \d+/,
            `generating image: 1/${gen.batch} - seed ${seed}`,
          ),
          t.chunk,
        );
        break;
      case 'step':
        if (exact) emit(gap, t.fd, text, t.chunk);
        else if (!stepsDone) emitSteps(gap);
        stepsDone = true;
        break;
      case 'sampling-completed': {
        const fixed = exact
          ? text
          : text.replace(/taking [\d.]+s/, `taking ${fmt2(steppedMs(steps))}s`);
        emit(gap, t.fd, fixed, t.chunk);
        for (let b = 1; b < gen.batch; b++) {
          emit(
            0,
            1,
            logLine(
              'INFO',
              'stable-diffusion.cpp',
              5679,
              `generating image: ${b + 1}/${gen.batch} - seed ${seed + b}`,
            ),
            fresh(),
          );
          emitSteps(stepMs !== null ? stepMs : 20);
          emit(
            0,
            1,
            logLine(
              'INFO',
              'stable-diffusion.cpp',
              5711,
              `sampling completed, taking ${fmt2(steppedMs(steps))}s`,
            ),
            fresh(),
          );
        }
        break;
      }
      case 'latents-completed':
        emit(
          gap,
          t.fd,
          exact
            ? text
            : text.replace(
                /generating \d+ latent images completed, taking [\d.]+s/,
                `generating ${gen.batch} latent images completed, taking ${fmt2(steppedMs(steps) * gen.batch)}s`,
              ),
          t.chunk,
        );
        break;
      case 'decoding':
        emit(
          gap,
          t.fd,
          text.replace(/decoding \d+ latents/, `decoding ${gen.batch} latents`),
          t.chunk,
        );
        break;
      case 'latent-decoded':
        emit(gap, t.fd, text, t.chunk);
        for (let b = 1; b < gen.batch; b++) {
          emit(
            880,
            1,
            logLine('INFO', 'stable-diffusion.cpp', 5387, `latent ${b + 1} decoded, taking 0.88s`),
            fresh(),
          );
        }
        break;
      case 'decode-completed':
        emit(
          gap,
          t.fd,
          exact
            ? text
            : text.replace(
                /taking ([\d.]+)s/,
                (_, s) => `taking ${fmt2(Number(s) * 1000 + 880 * (gen.batch - 1))}s`,
              ),
          t.chunk,
        );
        break;
      case 'generate-completed':
        emit(
          gap,
          t.fd,
          exact
            ? text
            : text.replace(
                /completed in ([\d.]+)s/,
                (_, s) =>
                  `completed in ${fmt2(Number(s) * 1000 + samplingDelta + 880 * (gen.batch - 1))}s`,
              ),
          t.chunk,
        );
        break;
      case 'save':
        saveLines(gap, t, emit);
        break;
      case 'saved':
        // printed by saveLines() together with the per-image lines
        break;
      default:
        emit(gap, t.fd, text, t.chunk);
    }
  }
  return out;
}

// ---- outputs (save_results in examples/cli/main.cpp) ------------------------------------------

/** fs::path::extension(): the last dot of the file name, unless the name starts with it. */
function extension(p) {
  const name = path.basename(p);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot) : '';
}

function outputPaths() {
  const ext = extension(output);
  const lower = ext.toLowerCase();
  const format = ['.jpg', '.jpeg', '.jpe'].includes(lower)
    ? 'jpeg'
    : lower === '.png'
      ? 'png'
      : lower === '.webp'
        ? 'webp'
        : null;
  const base =
    ext && (format || lower === '.avi' || lower === '.webm')
      ? output.slice(0, -ext.length)
      : output;
  const begin = Math.max(0, opt['--output-begin-idx'] ?? 0);
  const count = mode === 'vid_gen' ? gen.videoFrames : gen.batch;
  const spec = /(?:[^%]|^)(?:%%)*(%\d{0,3}d)/;
  if (spec.test(output)) {
    const pattern = base + (format ? ext : '.png');
    return {
      video: null,
      images: Array.from({ length: count }, (_, i) => ({
        file: printfIndex(pattern, begin + i),
        format: format ?? 'png',
      })),
    };
  }
  if (mode === 'vid_gen' && count > 1) {
    return {
      video: base + (['.avi', '.webp', '.webm'].includes(lower) ? ext : '.avi'),
      images: [],
    };
  }
  const e = format ? ext : '.png';
  return {
    video: null,
    images: Array.from({ length: count }, (_, i) => ({
      file: count > 1 ? `${base}_${begin + i}${e}` : base + e,
      format: format ?? 'png',
    })),
  };
}

/** format_frame_idx(): every `%Nd` takes the index, then `%%` becomes `%`. */
function printfIndex(pattern, idx) {
  let s = pattern;
  for (
    let m = /(?:[^%]|^)(?:%%)*(%(\d{0,3})d)/.exec(s);
    m;
    m = /(?:[^%]|^)(?:%%)*(%(\d{0,3})d)/.exec(s)
  ) {
    const width = m[2] ?? '';
    const n = width.startsWith('0')
      ? String(idx).padStart(Number(width), '0')
      : String(idx).padStart(Number(width || 0), ' ');
    const at = m.index + m[0].length - m[1].length;
    s = s.slice(0, at) + n + s.slice(at + m[1].length);
  }
  return s.split('%%').join('%');
}

const recordedPng = fs.readFileSync(path.join(RECORDINGS, '4-steps.png'));

/** The image the real engine would write for image `i` of this run. */
function pngFor(i) {
  const params = imageParameters({
    ...gen,
    prompt: gen.prompt,
    promptWithLora,
    seed: seed + i,
    model,
    sampler,
    scheduler,
    loras,
    mode,
  });
  return setText(resized(recordedPng, gen.width, gen.height), 'parameters', params);
}

async function encodeAs(format, png) {
  if (format === 'png') return png;
  // JPEG/WebP outputs: the pixels in that format (sharp ships with the app); the text chunk is
  // not carried over (sd.cpp puts it in EXIF, which this fake does not write).
  const { default: sharp } = await import('sharp');
  return format === 'jpeg'
    ? sharp(png).jpeg({ quality: 90 }).toBuffer()
    : sharp(png).webp({ quality: 90 }).toBuffer();
}

function ensureDir(file) {
  const dir = path.dirname(file);
  if (dir && dir !== '.') fs.mkdirSync(dir, { recursive: true });
}

/** The per-image save lines (and the files, written just before each line, as the engine does). */
function saveLines(gap, t, emit) {
  if (outputs.video) {
    emit(gap, 1, '', t.chunk, async () => {
      ensureDir(outputs.video);
      fs.writeFileSync(outputs.video, await mjpgAvi(gen.videoFrames, gen.fps));
    });
    emit(
      0,
      1,
      logLine('INFO', 'main.cpp', 536, `save result video to '${outputs.video}'`),
      t.chunk,
    );
    return;
  }
  outputs.images.forEach(({ file, format }, i) => {
    const text = logLine('INFO', 'main.cpp', 490, `save result image ${i} to '${file}' (success)`);
    emit(i === 0 ? gap : 0, 1, text, t.chunk, async () => {
      ensureDir(file);
      fs.writeFileSync(file, await encodeAs(format, pngFor(i)));
    });
  });
  const n = outputs.images.length;
  emit(0, 1, logLine('INFO', 'main.cpp', 562, `${n}/${n} images saved`), t.chunk);
}

/** create_mjpg_avi_from_sd_images_to_vector(): the same RIFF layout, frames as JPEG. */
async function mjpgAvi(frames, fps) {
  const { default: sharp } = await import('sharp');
  const { width, height } = gen;
  const jpegs = [];
  for (let i = 0; i < frames; i++)
    jpegs.push(await sharp(pngFor(i)).jpeg({ quality: 90 }).toBuffer());
  const parts = [];
  const u32 = (v) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0, 0);
    return b;
  };
  const u16 = (v) => {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(v, 0);
    return b;
  };
  const cc = (s) => Buffer.from(s, 'latin1');
  const hdrl = [
    cc('LIST'),
    u32(4 + 8 + 56 + 8 + 4 + 8 + 56 + 8 + 40),
    cc('hdrl'),
    cc('avih'),
    u32(56),
    u32(Math.floor(1000000 / fps)),
    u32(0),
    u32(0),
    u32(0x110),
    u32(frames),
    u32(0),
    u32(1),
    u32(width * height * 3),
    u32(width),
    u32(height),
    u32(0),
    u32(0),
    u32(0),
    u32(0),
    cc('LIST'),
    u32(4 + 8 + 56 + 8 + 40),
    cc('strl'),
    cc('strh'),
    u32(56),
    cc('vids'),
    cc('MJPG'),
    u32(0),
    u16(0),
    u16(0),
    u32(0),
    u32(1),
    u32(fps),
    u32(0),
    u32(frames),
    u32(width * height * 3),
    u32(-1),
    u32(0),
    u16(0),
    u16(0),
    u16(0),
    u16(0),
    cc('strf'),
    u32(40),
    u32(40),
    u32(width),
    u32(height),
    u16(1),
    u16(24),
    cc('MJPG'),
    u32(width * height * 3),
    u32(0),
    u32(0),
    u32(0),
    u32(0),
  ];
  parts.push(cc('RIFF'), u32(0), cc('AVI '), ...hdrl);
  let offset = Buffer.concat(parts).length;
  const movi = [cc('LIST'), u32(0), cc('movi')];
  const moviStart = offset;
  offset += 12;
  const index = [];
  for (const j of jpegs) {
    index.push(cc('00dc'), u32(0x10), u32(offset), u32(j.length));
    movi.push(cc('00dc'), u32(j.length), j);
    offset += 8 + j.length;
    if (j.length % 2) {
      movi.push(Buffer.alloc(1));
      offset += 1;
    }
  }
  movi[1] = u32(offset - moviStart - 8);
  const avi = Buffer.concat([...parts, ...movi, cc('idx1'), u32(jpegs.length * 16), ...index]);
  avi.writeUInt32LE(avi.length - 8, 4);
  return avi;
}

// ---- play -----------------------------------------------------------------------------------

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const run = missingModel
  ? tokens.map((t, i) => ({
      ...t,
      gap: t.ms - (i ? tokens[i - 1].ms : 0),
      group: t.chunk,
      text: substitute(t.text),
    }))
  : buildRun();
let at = 0;
for (let i = 0; i < run.length; ) {
  // one write per stretch of the same recorded chunk
  let text = '';
  const { fd, group } = run[i];
  const isStep = /\| \d+\/\d+ - /.test(run[i].text) && !/#/.test(run[i].text);
  const gap = stepMs !== null ? (isStep ? run[i].gap : 0) : run[i].gap * speed;
  at += gap;
  const wait = at - performance.now();
  if (wait > 0) await sleep(wait);
  if (stepMs !== null && !isStep) at = Math.max(at, performance.now());
  for (; i < run.length && run[i].group === group && run[i].fd === fd; i++) {
    if (run[i].action) {
      if (text) fs.writeSync(fd, text);
      text = '';
      await run[i].action();
    }
    text += run[i].text;
  }
  if (text) fs.writeSync(fd, text);
}
process.exit(missingModel ? meta.exit_code : 0);
