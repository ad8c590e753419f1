#!/usr/bin/env node
// A stand-in for kohya sd-scripts' LoRA trainer (`python -m accelerate.commands.launch …
// train_network.py …`) that replays recordings of the real program
// (shared/engines/recordings/kohya: every stdout/stderr chunk with its arrival time, made by
// tools/record-kohya.mjs).
//
// Replayed exactly: the 2-step run recorded as `train` (per-step saves, one sample prompt,
// --save_state) and its resume to step 3 recorded as `resume` (--resume STATE
// --skip_until_initial_step), chunk by chunk at the recorded offsets. What this argv changes is
// put where the recording printed the recorded argv's values: output folder and name, model,
// dataset config, image folder, tokenizer cache, step and epoch numbers, image counts,
// resolution, network module/dim/alpha, optimizer, device. Rich log records whose text changes
// are laid out again the way rich does (80 columns, word wrap, long words folded), so a path of
// another length wraps where the real program would wrap it. The log clock continues the
// recorded one. Given the recorded argv, the bytes are the recorded bytes.
// Synthesized, in the recorded format: any step count (the recorded per-step blocks taken in
// turn: train step 1, train step 2, resume step 3; tqdm lines recomputed, avr_loss from the
// recording), save/sample intervals in steps or epochs, several epochs, several sample prompts
// and sample step counts, --max_train_epochs, a resume without --skip_until_initial_step (starts
// again at step 0, as the real one does), a model given as a checkpoint file, and the failures
// below (tracebacks of the real code paths, then accelerate's CalledProcessError).
// Files are written when the recording shows them written: NAME-stepNNNNNNNN.safetensors after
// its `saving checkpoint:` line, each state file by its `[RANK 0] … saved in` line,
// train_state.json after `save train state to`, each sample PNG when its inference ends. LoRA
// files are small valid safetensors with kohya's ss_* metadata; state files are placeholders.
//
// Environment:
//   FAKE_KOHYA_SPEED=F      recorded delays ÷ F (default 20; 1 = real time; 0 = no waiting)
//   FAKE_KOHYA_STEP_MS=N    every training step takes N ms and everything else is instant
//   FAKE_KOHYA_FAIL=oom | disk | crash_after_step=N
//   FAKE_KOHYA_ARGV_LOG=F   append this run's argv (JSON array, one line) to F
//   FAKE_KOHYA_RECORDINGS=D where the recordings are (default: test/fixtures/engines/recordings/
//                           kohya, else shared/engines/recordings/kohya beside or above the repo)
// SIGTERM ends it at once (between two writes, never inside a file); SIGINT prints Python's
// KeyboardInterrupt and ends it by SIGINT.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { encode as encodePng } from './png.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));

// ---- rich (the RichHandler layout kohya's logger uses on an 80-column non-terminal) ----------

const WIDTH = 80;

function isWide(c) {
  return (
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0x303e) ||
    (c >= 0x3041 && c <= 0x33ff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0xa000 && c <= 0xa4cf) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    (c >= 0x1f300 && c <= 0x1f64f) ||
    (c >= 0x1f900 && c <= 0x1f9ff) ||
    (c >= 0x20000 && c <= 0x3fffd)
  );
}
/** Terminal cells a string takes (East Asian wide characters take two). */
export function cells(s) {
  let n = 0;
  for (const ch of s) n += isWide(ch.codePointAt(0)) ? 2 : 1;
  return n;
}
function chopCells(s, width) {
  const out = [''];
  let used = 0;
  for (const ch of s) {
    const w = cells(ch);
    if (used + w > width) {
      out.push(ch);
      used = w;
    } else {
      out[out.length - 1] += ch;
      used += w;
    }
  }
  return out;
}
function padCells(s, width) {
  let t = '';
  let used = 0;
  for (const ch of s) {
    const w = cells(ch);
    if (used + w > width) break;
    t += ch;
    used += w;
  }
  return t + ' '.repeat(width - used);
}
/** rich.text.Text.wrap(width, overflow='fold', justify='left') for one message. */
export function wrap(message, width) {
  const lines = [];
  for (const line of message.split('\n')) {
    const breaks = [];
    let offset = 0;
    for (const m of line.matchAll(/\s*\S+\s*/g)) {
      let start = m.index;
      const word = m[0];
      const wordLength = cells(word.trimEnd());
      if (offset + wordLength <= width) {
        offset += cells(word);
      } else if (wordLength > width) {
        const folded = chopCells(word, width);
        folded.forEach((piece, k) => {
          if (start) breaks.push(start);
          if (k === folded.length - 1) offset = cells(piece);
          else start += piece.length;
        });
      } else if (offset && start) {
        breaks.push(start);
        offset = cells(word);
      }
    }
    const cuts = [0, ...breaks, line.length];
    for (let i = 0; i + 1 < cuts.length; i++) {
      let piece = line.slice(cuts[i], cuts[i + 1]);
      if (piece.length > width) {
        const excess = piece.length - width;
        const ws = /\s+$/.exec(piece);
        if (ws) piece = piece.slice(0, piece.length - Math.min(ws[0].length, excess));
      }
      lines.push(padCells(piece, width));
    }
  }
  return lines;
}
/** One log record as RichHandler prints it: time (or blanks when unchanged), level, message, where. */
export function renderRecord(timeCol, level, message, where) {
  const width = WIDTH - 19 - 8 - where.length - 3;
  const lines = wrap(message, width);
  let text = `${timeCol} ${level.padEnd(8)} ${lines[0]} ${where}\n`;
  for (const l of lines.slice(1)) text += `${' '.repeat(29)}${l} ${' '.repeat(where.length)}\n`;
  return text;
}
/** The message a recorded record was made from (rich's wrapping undone). */
export function recordMessage(lines, where) {
  const width = WIDTH - 19 - 8 - where.length - 3;
  const frags = lines.map((l, i) =>
    (i === 0 ? l.slice(29, l.length - where.length - 1) : l.slice(29)).trimEnd(),
  );
  let msg = frags[0];
  for (let i = 1; i < frags.length; i++) {
    const f = frags[i];
    const prev = frags[i - 1];
    if (f === '' || /^\s/.test(f)) msg += '\n';
    // a folded word fills its line and has no space in it; any other break was a space
    else if (cells(prev) < width || /\s/.test(prev.trim())) msg += ' ';
    msg += f;
  }
  return msg;
}

// ---- recordings: chunks split into tokens (log records, progress bars, lines) ----------------

const HEAD =
  /(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d| {19}) (INFO|WARNING|ERROR|DEBUG|CRITICAL) +[^\n]*\n/y;
const CONT = / {29}[^\n]*\n/y;

/** Splits one chunk's text into tokens: rec (a rich record), bar, nl, nnpack, line. */
export function tokenize(text) {
  const tokens = [];
  let pos = 0;
  while (pos < text.length) {
    HEAD.lastIndex = pos;
    const head = HEAD.exec(text);
    if (head && cells(head[0].slice(0, -1)) === WIDTH && /\S+:\d+\n$/.test(head[0])) {
      const lines = [head[0].slice(0, -1)];
      let end = HEAD.lastIndex;
      for (;;) {
        CONT.lastIndex = end;
        const c = CONT.exec(text);
        if (!c || cells(c[0].slice(0, -1)) !== WIDTH) break;
        lines.push(c[0].slice(0, -1));
        end = CONT.lastIndex;
      }
      const where = /(\S+:\d+)$/.exec(lines[0])[1];
      tokens.push({
        kind: 'rec',
        text: text.slice(pos, end),
        time: head[1],
        level: head[2],
        where,
        msg: recordMessage(lines, where),
      });
      pos = end;
      continue;
    }
    let m;
    if (text[pos] === '\r') {
      m = /\r[^\r\n]*\n?/y;
    } else if (text[pos] === '\n') {
      tokens.push({ kind: 'nl', text: '\n' });
      pos++;
      continue;
    } else {
      m = /[^\r\n]*\n|[^\r\n]+/y;
    }
    m.lastIndex = pos;
    const t = m.exec(text)[0];
    const kind =
      t[0] === '\r' ? 'bar' : /^\[W\d{4} \d\d:\d\d:\d\d\.\d+ NNPACK/.test(t) ? 'nnpack' : 'line';
    tokens.push({ kind, text: t });
    pos += t.length;
  }
  return tokens;
}

function recordingsDir() {
  const candidates = [
    process.env.FAKE_KOHYA_RECORDINGS,
    path.join(HERE, '../fixtures/engines/recordings/kohya'),
    path.join(HERE, '../../shared/engines/recordings/kohya'),
    path.join(HERE, '../../../shared/engines/recordings/kohya'),
  ].filter(Boolean);
  return candidates.find((d) => fs.existsSync(path.join(d, 'train.chunks.jsonl')));
}

export function loadRecording(dir, name) {
  const meta = JSON.parse(fs.readFileSync(path.join(dir, `${name}.meta.json`), 'utf8'));
  const chunks = fs
    .readFileSync(path.join(dir, `${name}.chunks.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((l, i, all) => {
      const c = JSON.parse(l);
      const text = Buffer.from(c.b64, 'base64').toString('utf8');
      const prevMs = i ? JSON.parse(all[i - 1]).ms : 0;
      return { i, ms: c.ms, gap: c.ms - prevMs, fd: c.fd, text, tokens: tokenize(text) };
    });
  return { name, meta, chunks };
}

/** The recorded argv's value of a flag. */
const argOf = (argv, flag) => argv[argv.indexOf(flag) + 1];

/**
 * Where each part of a recorded run lies (chunk index lists): the preamble before the progress
 * bar; `start` (bar at 0, `epoch 1/1`, the epoch log); per step: compute (…its bar update),
 * sample, checkpoint, state, postfix bar; then the last state, the final model and the closing bar.
 */
function analyse(rec) {
  const C = rec.chunks;
  const range = (a, b) => Array.from({ length: Math.max(0, b - a) }, (_, k) => a + k);
  const bars = C.filter((c) =>
    c.tokens.some((t) => t.kind === 'bar' && t.text.startsWith('\rsteps:')),
  ).map((c) => c.i);
  const start = bars[0];
  const close = bars[bars.length - 1];
  const firstCompute = C.findIndex(
    (c, i) => i > start && c.tokens.some((t) => t.kind === 'nnpack'),
  );
  const isCkpt = (i) => C[i].fd === 1 && C[i].text.includes('saving checkpoint:');
  const hasRec = (i, re) => C[i].tokens.some((t) => t.kind === 'rec' && re.test(t.msg));
  const steps = [];
  const mids = bars.slice(1, -1);
  let from = firstCompute;
  for (let k = 0; k + 1 < mids.length; k += 2) {
    const upd = mids[k];
    const post = mids[k + 1];
    const ckpt = range(upd + 1, post).find(isCkpt);
    const state = range(upd + 1, post).find((i) => hasRec(i, /^saving state at step/)) - 1;
    steps.push({
      rec,
      step: steps.length + (rec.name === 'resume' ? 3 : 1),
      compute: range(from, upd + 1),
      sample: range(upd + 1, ckpt),
      ckpt: range(ckpt, state),
      state: range(state, post),
      post: [post],
    });
    from = post + 1;
  }
  const lastPost = mids[mids.length - 1];
  const finalCkpt = range(lastPost + 1, close).find(isCkpt);
  return {
    rec,
    pre: range(0, start),
    start: range(start, firstCompute),
    steps,
    lastState: range(lastPost + 1, finalCkpt),
    final: range(finalCkpt, close),
    close: range(close, C.length),
  };
}

// ---- small Python-isms ---------------------------------------------------------------------

/** Python's repr() of a float. */
export function pyFloat(x) {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return x.toFixed(1);
  const a = Math.abs(x);
  if (a >= 1e-4 && a < 1e16) return String(x);
  const [mant, e] = x.toExponential().split('e');
  const exp = Number(e);
  return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}
const pyStr = (s) =>
  s.includes("'") && !s.includes('"')
    ? `"${s}"`
    : `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
const pyRepr = (v) =>
  typeof v === 'string'
    ? pyStr(v)
    : typeof v === 'number'
      ? Number.isInteger(v)
        ? String(v)
        : pyFloat(v)
      : v === null
        ? 'None'
        : typeof v === 'boolean'
          ? v
            ? 'True'
            : 'False'
          : Array.isArray(v)
            ? `[${v.map(pyRepr).join(', ')}]`
            : `{${Object.entries(v)
                .map(([k, x]) => `${pyStr(k)}: ${pyRepr(x)}`)
                .join(', ')}}`;
/** Python's round-half-even `{:.0f}`. */
function pyRound(x) {
  const f = Math.floor(x);
  const d = x - f;
  if (d === 0.5) return f % 2 === 0 ? f : f + 1;
  return Math.round(x);
}
const pad = (n, w) => String(n).padStart(w, '0');
/** Python's json.dumps() with its default separators and ensure_ascii. */
const pyJson = (v) =>
  JSON.stringify(v, null, 1)
    .replace(/\n\s*/g, (m, off, all) =>
      /[[{]$/.test(all.slice(0, off)) || /^[\]}]/.test(all.slice(off + m.length)) ? '' : ' ',
    )
    .replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** A minimal TOML reader for kohya dataset configs (tables, arrays of tables, scalars, arrays). */
export function parseToml(text) {
  const root = {};
  let cur = root;
  const value = (raw) => {
    const s = raw.trim();
    if (s.startsWith("'")) return s.slice(1, s.indexOf("'", 1));
    if (s.startsWith('"')) return JSON.parse(s.slice(0, s.lastIndexOf('"') + 1));
    if (s === 'true' || s === 'false') return s === 'true';
    if (s.startsWith('[')) {
      const inner = s.slice(1, s.lastIndexOf(']')).trim();
      return inner
        ? inner
            .split(',')
            .filter((x) => x.trim())
            .map(value)
        : [];
    }
    const n = Number(s.replace(/_/g, ''));
    return Number.isNaN(n) ? s : n;
  };
  const stripComment = (line) => {
    let q = null;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (q) {
        if (ch === q) q = null;
      } else if (ch === '"' || ch === "'") q = ch;
      else if (ch === '#') return line.slice(0, i);
    }
    return line;
  };
  const descend = (keys) => {
    let obj = root;
    for (const k of keys) {
      let v = obj[k];
      if (Array.isArray(v)) v = v[v.length - 1];
      else if (v === undefined) v = obj[k] = {};
      obj = v;
    }
    return obj;
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = stripComment(raw).trim();
    if (!line) continue;
    let m;
    if ((m = /^\[\[\s*([^\]]+?)\s*\]\]$/.exec(line))) {
      const keys = m[1].split('.').map((k) => k.trim().replace(/^["']|["']$/g, ''));
      const parent = descend(keys.slice(0, -1));
      const last = keys[keys.length - 1];
      if (!Array.isArray(parent[last])) parent[last] = [];
      parent[last].push((cur = {}));
    } else if ((m = /^\[\s*([^\]]+?)\s*\]$/.exec(line))) {
      cur = descend(m[1].split('.').map((k) => k.trim().replace(/^["']|["']$/g, '')));
    } else if ((m = /^("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=\s*(.*)$/.exec(line))) {
      cur[m[1].replace(/^["']|["']$/g, '')] = value(m[2]);
    }
  }
  return root;
}

// ---- output files ---------------------------------------------------------------------------

/** A small valid safetensors file: an F32 LoRA pair of rank `dim` plus its alpha, and metadata. */
export function safetensors(metadata, dim = 4, alpha = 1) {
  const base = 'lora_unet_down_blocks_0_attentions_0_proj_in';
  const tensors = [
    [`${base}.alpha`, [], [alpha]],
    [
      `${base}.lora_down.weight`,
      [dim, 8],
      Array.from({ length: dim * 8 }, (_, i) => (i % 7) / 100),
    ],
    [`${base}.lora_up.weight`, [8, dim], Array.from({ length: dim * 8 }, () => 0)],
  ];
  const header = { __metadata__: metadata };
  const data = [];
  let offset = 0;
  for (const [key, shape, values] of tensors) {
    const buf = Buffer.alloc(values.length * 4);
    values.forEach((v, i) => buf.writeFloatLE(v, i * 4));
    header[key] = { dtype: 'F32', shape, data_offsets: [offset, offset + buf.length] };
    offset += buf.length;
    data.push(buf);
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([len, Buffer.from(json), ...data]);
}

/** A solid-colour RGB PNG (what a sample of a random tiny model looks like, more or less). */
function samplePng(width, height, seed) {
  const rgb = [(seed * 53) & 0xff, (seed * 97 + 80) & 0xff, (seed * 29 + 160) & 0xff];
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) pixels.set(rgb, i * 3);
  return encodePng({ width, height, channels: 3, pixels });
}

const PLACEHOLDERS = {
  // an empty zip (torch.save writes zip archives) and an empty pickled dict
  'optimizer.bin': Buffer.from('504b0506' + '00'.repeat(18), 'hex'),
  'scheduler.bin': Buffer.from('504b0506' + '00'.repeat(18), 'hex'),
  'random_states_0.pkl': Buffer.from('80047d942e', 'hex'),
};

// ---- the run --------------------------------------------------------------------------------

const LAUNCH_FLAGS = new Set(
  '--cpu --multi_gpu --mps --tpu --quiet -q --debug --use_deepspeed --use_fsdp --use_megatron_lm --use_xpu --same_network --no_python --module -m --tpu_use_cluster --tpu_use_sudo --downcast_bf16 --enable_cpu_affinity'.split(
    ' ',
  ),
);
const SCRIPT =
  /(?:^|\/)(train_network|sdxl_train_network|flux_train_network|sd3_train_network)\.py$/;

/** `python -m accelerate.commands.launch [launch options] [wrapper.py] SCRIPT.py [options]`. */
export function parseArgv(argv) {
  let i = 0;
  const launch = {};
  let launcher = false;
  if (argv[0] === '-m' && argv[1] === 'accelerate.commands.launch') {
    launcher = true;
    i = 2;
    while (i < argv.length && argv[i].startsWith('-')) {
      const a = argv[i++];
      if (LAUNCH_FLAGS.has(a)) launch[a.replace(/^-+/, '')] = true;
      else if (a.includes('=')) launch[a.slice(2, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
      else launch[a.replace(/^-+/, '')] = argv[i++];
    }
  }
  const scripts = [];
  while (i < argv.length && !argv[i].startsWith('-')) scripts.push(argv[i++]);
  const script = scripts.find((s) => SCRIPT.test(s)) ?? scripts[scripts.length - 1];
  const opt = {};
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    if (a.includes('=')) opt[a.slice(2, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) opt[a.slice(2)] = argv[++i];
    else opt[a.slice(2)] = true;
  }
  return { launcher, launch, scripts, script, opt };
}

const IMAGE_EXT = /\.(png|jpe?g|webp|bmp|avif|jxl)$/i;

/** What kohya works out from the dataset config: counts, repeats, resolution, captions. */
function readDataset(tomlPath, fallback) {
  let cfg;
  try {
    cfg = parseToml(fs.readFileSync(tomlPath, 'utf8'));
  } catch {
    return null;
  }
  const general = cfg.general ?? {};
  const ds = (cfg.datasets ?? [{}])[0] ?? {};
  const reso = ds.resolution ?? general.resolution ?? fallback.resolution[0];
  const resolution = Array.isArray(reso) ? [reso[0], reso[1]] : [reso, reso];
  const batchSize = ds.batch_size ?? general.batch_size ?? 1;
  const subsets = (ds.subsets ?? []).map((s) => {
    const imageDir = s.image_dir ?? '';
    const ext =
      s.caption_extension ?? ds.caption_extension ?? general.caption_extension ?? '.caption';
    let images = null;
    try {
      images = fs
        .readdirSync(imageDir)
        .filter((f) => IMAGE_EXT.test(f))
        .sort();
    } catch {
      images = null;
    }
    const tags = {};
    for (const img of images ?? []) {
      let caption = s.class_tokens ?? ds.class_tokens ?? general.class_tokens ?? '';
      try {
        caption = fs.readFileSync(path.join(imageDir, img.replace(/\.[^.]+$/, '') + ext), 'utf8');
      } catch {
        /* no caption file: the class tokens stand in */
      }
      for (const tag of caption
        .trim()
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean)) {
        tags[tag] = (tags[tag] ?? 0) + 1;
      }
    }
    return {
      imageDir,
      repeats: s.num_repeats ?? 1,
      count: images ? images.length : null,
      tags: images ? tags : null,
    };
  });
  const known = subsets.length > 0 && subsets.every((s) => s.count !== null);
  const images = known ? subsets.reduce((a, s) => a + s.count, 0) : fallback.images;
  const total = known ? subsets.reduce((a, s) => a + s.count * s.repeats, 0) : fallback.images;
  return {
    resolution,
    batchSize,
    subsets,
    images,
    total,
    repeats: subsets[0]?.repeats ?? 1,
    known,
    imageDir: subsets[0]?.imageDir ?? null,
  };
}

/** kohya's line_to_prompt_dict() for each line of a .txt prompt file (a .json list as well). */
function readPrompts(file) {
  const text = fs.readFileSync(file, 'utf8');
  let list;
  if (/\.json$/i.test(file)) list = JSON.parse(text);
  else
    list = text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
  return list.map((entry) => {
    if (typeof entry !== 'string') return { ...entry };
    const parts = entry.split(' --');
    const p = { prompt: parts[0] };
    for (const part of parts) {
      let m;
      if ((m = /^w (\d+)/i.exec(part))) p.width = Number(m[1]);
      else if ((m = /^h (\d+)/i.exec(part))) p.height = Number(m[1]);
      else if ((m = /^d (\d+)/i.exec(part))) p.seed = Number(m[1]);
      else if ((m = /^s (\d+)/i.exec(part)))
        p.sample_steps = Math.max(1, Math.min(1000, Number(m[1])));
      else if ((m = /^l ([\d.]+)/i.exec(part))) p.scale = Number(m[1]);
      else if ((m = /^n (.+)/i.exec(part))) p.negative_prompt = m[1];
      else if ((m = /^ss (.+)/i.exec(part))) p.sample_sampler = m[1];
    }
    return p;
  });
}

export async function main() {
  const argv = process.argv.slice(2);
  if (process.env.FAKE_KOHYA_ARGV_LOG) {
    fs.appendFileSync(process.env.FAKE_KOHYA_ARGV_LOG, `${JSON.stringify(argv)}\n`);
  }
  const dir = recordingsDir();
  if (!dir) {
    fs.writeSync(2, 'kohya fake: recordings not found (set FAKE_KOHYA_RECORDINGS)\n');
    process.exit(2);
  }
  const { launcher, launch, scripts, script, opt } = parseArgv(argv);
  if (!script) {
    fs.writeSync(2, `${process.argv[1]}: can't open file: no training script given\n`);
    process.exit(2);
  }
  const train = analyse(loadRecording(dir, 'train'));
  const resume = analyse(loadRecording(dir, 'resume'));
  const REC = {
    out: argOf(train.rec.meta.argv, '--output_dir'),
    name: argOf(train.rec.meta.argv, '--output_name'),
    model: argOf(train.rec.meta.argv, '--pretrained_model_name_or_path'),
    toml: argOf(train.rec.meta.argv, '--dataset_config'),
    tokenizer: argOf(train.rec.meta.argv, '--tokenizer_cache_dir'),
    resume: argOf(resume.rec.meta.argv, '--resume'),
    imageDir: null,
    resolution: [64, 64],
    images: 3,
    repeats: 1,
    batch: 1,
  };
  // The recorded dataset values, as the recorded preamble printed them.
  for (const c of train.pre.map((i) => train.rec.chunks[i])) {
    for (const t of c.tokens) {
      if (t.kind !== 'rec') continue;
      let m;
      if ((m = /^found directory (.*) contains (\d+) image files$/s.exec(t.msg))) {
        REC.imageDir = m[1];
        REC.images = Number(m[2]);
      }
      if (
        (m = /^\[Dataset 0\]\n\s*batch_size: (\d+)\n\s*resolution: \((\d+), (\d+)\)/.exec(t.msg))
      ) {
        REC.batch = Number(m[1]);
        REC.resolution = [Number(m[2]), Number(m[3])];
      }
      if ((m = /num_repeats: (\d+)/.exec(t.msg))) REC.repeats = Number(m[1]);
    }
  }

  // ---- this run's settings ----
  const env = process.env;
  const speed = env.FAKE_KOHYA_SPEED === undefined ? 20 : Number(env.FAKE_KOHYA_SPEED);
  const stepMs = env.FAKE_KOHYA_STEP_MS ? Number(env.FAKE_KOHYA_STEP_MS) : null;
  const failSpec = env.FAKE_KOHYA_FAIL ?? '';
  const fail = {
    oom: failSpec === 'oom',
    disk: failSpec === 'disk',
    crashAfter: /^crash_after_step=(\d+)$/.test(failSpec)
      ? Number(/=(\d+)/.exec(failSpec)[1])
      : null,
  };
  const num = (v, d) => (v === undefined || v === true ? d : Number(v));
  const out = typeof opt.output_dir === 'string' ? opt.output_dir : '.';
  const name = typeof opt.output_name === 'string' ? opt.output_name : 'last';
  const ext = typeof opt.save_model_as === 'string' ? opt.save_model_as : 'safetensors';
  const outJoin = (p) => (out.endsWith('/') ? out + p : `${out}/${p}`);
  const model =
    typeof opt.pretrained_model_name_or_path === 'string' ? opt.pretrained_model_name_or_path : '';
  const cpu = Boolean(launch.cpu) || opt.cpu === true;
  const networkModule =
    typeof opt.network_module === 'string' ? opt.network_module : 'networks.lora';
  const dim = num(opt.network_dim, 4);
  const alpha = num(opt.network_alpha, 1);
  const lr = num(opt.learning_rate, 2e-6);
  const optimizer = typeof opt.optimizer_type === 'string' ? opt.optimizer_type : 'AdamW';
  const saveEveryNSteps = opt.save_every_n_steps !== undefined ? num(opt.save_every_n_steps) : null;
  const saveEveryNEpochs =
    opt.save_every_n_epochs !== undefined ? num(opt.save_every_n_epochs) : null;
  const sampleEveryNSteps =
    opt.sample_every_n_steps !== undefined ? num(opt.sample_every_n_steps) : null;
  const sampleEveryNEpochs =
    opt.sample_every_n_epochs !== undefined ? num(opt.sample_every_n_epochs) : null;
  const samplePrompts = typeof opt.sample_prompts === 'string' ? opt.sample_prompts : null;
  const sampleSampler = typeof opt.sample_sampler === 'string' ? opt.sample_sampler : 'ddim';
  const saveState = opt.save_state === true;
  const saveStateOnTrainEnd = opt.save_state_on_train_end === true;
  const resumeDir = typeof opt.resume === 'string' ? opt.resume : null;
  const skipUntilInitial = opt.skip_until_initial_step === true;
  const seed = num(opt.seed, 42);
  const mixedPrecision = typeof opt.mixed_precision === 'string' ? opt.mixed_precision : 'no';
  const sdScripts = process.cwd();
  const venv = '/tmp/recorded-engine/engines/venv';
  const sitePackages = `${venv}/lib/python3.11/site-packages`;
  const base = /sdxl_train/.test(script)
    ? ['sdxl_base_v1-0', 'stable-diffusion-xl-v1-base/lora']
    : /flux_train/.test(script)
      ? ['flux1', 'flux-1-dev/lora']
      : ['sd_v1', 'stable-diffusion-v1/lora'];

  const dataset = opt.dataset_config
    ? readDataset(opt.dataset_config, REC)
    : {
        resolution: REC.resolution,
        batchSize: REC.batch,
        subsets: [],
        images: REC.images,
        total: REC.images,
        repeats: REC.repeats,
        known: false,
        imageDir: null,
      };
  const bpe = Math.max(1, Math.ceil((dataset?.total ?? REC.images) / (dataset?.batchSize ?? 1)));
  let maxSteps = num(opt.max_train_steps, 1600);
  const maxEpochsArg = opt.max_train_epochs !== undefined ? num(opt.max_train_epochs) : null;
  if (maxEpochsArg !== null) maxSteps = maxEpochsArg * bpe;
  const epochs = Math.ceil(maxSteps / bpe);

  // ---- resume (train_network.py: steps_from_state, initial_step, epoch_to_start) ----
  let stateFromFile = null;
  if (resumeDir) {
    try {
      stateFromFile = JSON.parse(fs.readFileSync(path.join(resumeDir, 'train_state.json'), 'utf8'));
    } catch {
      stateFromFile = null;
    }
  }
  let initialStep = stateFromFile ? Number(stateFromFile.current_step) : 0;
  const assertFails = initialStep > 0 && !(maxSteps > initialStep);
  let epochToStart = 0;
  let skipLog = null;
  if (initialStep > 0 && !assertFails) {
    epochToStart = Math.floor(initialStep / bpe);
    if (skipUntilInitial) skipLog = initialStep;
    else initialStep = 0;
  }
  const tqdmTotal = maxSteps - (assertFails ? 0 : initialStep);
  const skippedEpochLogs = [];
  let globalStep = 0;
  if (initialStep > 0 && !assertFails) {
    for (let k = 0; k < epochToStart; k++) {
      skippedEpochLogs.push([k + 1, initialStep]);
      initialStep -= bpe;
    }
    globalStep = initialStep;
  }

  // ---- sample prompts ----
  let prompts = null;
  if (samplePrompts) {
    try {
      prompts = readPrompts(samplePrompts);
    } catch {
      prompts = null;
    }
  }

  // ---- what this run prints instead of the recorded values ----
  const tokenizerDir = typeof opt.tokenizer_cache_dir === 'string' ? opt.tokenizer_cache_dir : null;
  const subs = [];
  if (resumeDir) subs.push([REC.resume, resumeDir]);
  subs.push([`${REC.out}/${REC.name}`, outJoin(name)], [REC.out, out]);
  if (model) subs.push([REC.model, model]);
  if (opt.dataset_config) subs.push([REC.toml, opt.dataset_config]);
  if (REC.imageDir && dataset?.imageDir) subs.push([REC.imageDir, dataset.imageDir]);
  if (tokenizerDir && REC.tokenizer) subs.push([REC.tokenizer, tokenizerDir]);
  const substitute = (s) => {
    for (const [a, b] of subs) if (a !== b) s = s.split(a).join(b);
    return s;
  };
  const device = cpu ? 'cpu' : 'cuda';
  const torchDevice = cpu ? 'cpu' : 'cuda:0';

  // ---- the clock (virtual ms on the recorded time scale) and the player ----
  // The recorded clocks (log times continue them), one per recording.
  const T0 = { train: clockBase(train.rec), resume: clockBase(resume.rec) };
  const t0 = resumeDir ? T0.resume : T0.train;
  let vnow = 0;
  let lastTime = null;
  const fmtTime = (ms) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
  const timeCol = () => {
    const t = fmtTime(t0 + vnow);
    if (t === lastTime) return ' '.repeat(19);
    lastTime = t;
    return t;
  };
  let target = performance.now();
  let stepMark = performance.now();
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const tick = () => new Promise((r) => setImmediate(r));
  let exiting = false;

  async function writeAll(fd, text) {
    let buf = Buffer.from(text, 'utf8');
    while (buf.length) {
      try {
        const n = fs.writeSync(fd, buf);
        buf = buf.subarray(n);
      } catch (e) {
        if (e.code !== 'EAGAIN') throw e;
        await sleep(2);
      }
    }
  }
  /** Waits for this write's moment, then runs `before`, writes, runs `after`. */
  async function emit(fd, text, gap, { stepEnd = false, before = [], after = [] } = {}) {
    if (stepMs !== null) {
      target = stepEnd ? stepMark + stepMs : Math.max(target, performance.now());
    } else if (speed > 0 && Number.isFinite(speed)) {
      target += gap / speed;
    } else {
      target = performance.now();
    }
    const wait = target - performance.now();
    if (wait > 0) await sleep(wait);
    else await tick();
    for (const f of before) await f();
    if (text) await writeAll(fd, text);
    for (const f of after) await f();
  }
  const record = (level, msg, where) => renderRecord(timeCol(), level, msg, where);
  async function logNow(level, msg, where, gap = 1) {
    vnow += gap;
    await emit(2, record(level, msg, where), gap);
  }

  // ---- tqdm (the `steps` bar) ----
  const tq = { lastLen: 0, n: 0, postfix: '' };
  const fmtInterval = (t) => {
    const s = Math.floor(t);
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h ? `${h}:${pad(m, 2)}:${pad(s % 60, 2)}` : `${pad(m, 2)}:${pad(s % 60, 2)}`;
  };
  const tqBar = (n, total) => {
    if (!total) return ' '.repeat(10);
    const frac = Math.min(1, n / total);
    const chars = ' ▏▎▍▌▋▊▉█';
    const all = Math.floor(frac * 10 * 8);
    const full = Math.floor(all / 8);
    const part = all % 8;
    let bar = '█'.repeat(full);
    if (full < 10) bar += chars[part] + ' '.repeat(10 - full - 1);
    return bar;
  };
  /** seconds per iteration a recorded bar shows ("1.23s/it" or "2.05it/s"). */
  const barSpi = (text) => {
    const m = /([\d.]+)(s\/it|it\/s)/.exec(text);
    if (!m) return 1;
    return m[2] === 's/it' ? Number(m[1]) : 1 / Number(m[1]);
  };
  const fmtRate = (spi) =>
    spi > 1 ? `${spi.toFixed(2).padStart(5)}s/it` : `${(1 / spi).toFixed(2).padStart(5)}it/s`;
  function stepsBar(n, total, spi, postfix) {
    let s;
    if (n === 0 && !postfix) {
      s = `steps:   0%|${' '.repeat(10)}| 0/${total} [00:00<?, ?it/s]`;
    } else {
      const pct = total ? String(pyRound((n / total) * 100)).padStart(3) : '  0';
      const sp = stepMs !== null ? stepMs / 1000 : spi;
      s =
        `steps: ${pct}%|${tqBar(n, total)}| ${n}/${total} ` +
        `[${fmtInterval(n * sp)}<${fmtInterval(Math.max(0, total - n) * sp)}, ${fmtRate(sp)}${postfix}]`;
    }
    const padded = `\r${s}${' '.repeat(Math.max(0, tq.lastLen - s.length))}`;
    tq.lastLen = s.length;
    return padded;
  }
  const LOSSES = [...train.steps, ...resume.steps].map(
    (st) => /avr_loss=([\d.e+-]+)/.exec(st.rec.chunks[st.post[0]].text)[1],
  );
  const lossOf = (g) => LOSSES[(((g - 1) % LOSSES.length) + LOSSES.length) % LOSSES.length];
  const TEMPLATES = [...train.steps, ...resume.steps];
  const templateOf = (g) =>
    TEMPLATES[(((g - 1) % TEMPLATES.length) + TEMPLATES.length) % TEMPLATES.length];

  // ---- failures: Python tracebacks, then accelerate's launcher ----
  /** One traceback entry; `under` is the part of the line Python 3.11 marks with carets. */
  const frame = (file, line, fn, code, under) => {
    let s = `  File "${file}", line ${line}, in ${fn}\n`;
    if (code) s += `    ${code}\n`;
    const at = code && under ? code.indexOf(under) : -1;
    if (at >= 0 && under !== code) s += `    ${' '.repeat(at)}${'^'.repeat(under.length)}\n`;
    return s;
  };
  const tn = (p) => path.join(sdScripts, p);
  const mainFrame = frame(tn(path.basename(script)), 1913, '<module>', 'trainer.train(args)');
  function launcherTraceback() {
    if (!launcher) return '';
    const cmd = [
      process.argv[1],
      ...scripts,
      ...argv.slice(argv.indexOf(scripts[scripts.length - 1]) + 1),
    ];
    const launchPy = `${sitePackages}/accelerate/commands/launch.py`;
    return (
      'Traceback (most recent call last):\n' +
      '  File "<frozen runpy>", line 198, in _run_module_as_main\n' +
      '  File "<frozen runpy>", line 88, in _run_code\n' +
      frame(launchPy, 1272, '<module>', 'main()') +
      frame(launchPy, 1268, 'main', 'launch_command(args)') +
      frame(launchPy, 1262, 'launch_command', 'simple_launcher(args)') +
      frame(
        launchPy,
        854,
        'simple_launcher',
        'raise subprocess.CalledProcessError(returncode=process.returncode, cmd=cmd)',
      ) +
      `subprocess.CalledProcessError: Command '${pyRepr(cmd)}' returned non-zero exit status 1.\n`
    );
  }
  /** The training process dies with `traceback`; tqdm's bar closes at exit; the launcher reports. */
  async function die(traceback, { bar = false } = {}) {
    exiting = true;
    await emit(2, `Traceback (most recent call last):\n${mainFrame}${traceback}`, 5);
    if (bar) await emit(2, `${stepsBar(tq.n, tqdmTotal, 1, tq.postfix)}\n`, 30);
    await emit(2, launcherTraceback(), 400);
    process.exit(1);
  }

  // ---- signals ----
  process.on('SIGTERM', () => {
    process.removeAllListeners('SIGTERM');
    process.kill(process.pid, 'SIGTERM');
  });
  process.on('SIGINT', () => {
    if (exiting) return;
    exiting = true;
    try {
      fs.writeSync(
        2,
        `Traceback (most recent call last):\n${mainFrame}${frame(tn('train_network.py'), 1427, 'train', 'loss = self.process_batch(', 'self.process_batch(')}KeyboardInterrupt\n`,
      );
    } catch {
      /* stderr closed */
    }
    process.removeAllListeners('SIGINT');
    process.kill(process.pid, 'SIGINT');
  });

  // ---- replaying recorded chunks with this run's values ----
  /**
   * Emits recorded chunks: each token goes through `t` (rec: msg → msg | null to drop | {msg,
   * where, level}; raw: text → text; bar: token → text), records are laid out again when their
   * text changes, file actions run around the chunk, `t.hook(chunk)` may stop the run.
   */
  async function play(unit, indices, t = {}) {
    const C = unit.rec.chunks;
    const shiftBase = T0[unit.rec.name] ?? t0;
    for (const i of indices) {
      const c = C[i];
      const gap = t.gap ? t.gap(c) : c.gap;
      vnow += gap;
      const before = [];
      const after = [];
      let text = '';
      for (const tok of c.tokens) {
        if (tok.kind === 'rec') {
          let msg0 = substitute(tok.msg);
          if (!cpu) msg0 = msg0.replace(/device: cpu\b/g, `device: ${torchDevice}`);
          const r = t.rec ? t.rec(msg0, tok, c) : msg0;
          if (r === null) continue;
          for (const x of Array.isArray(r) ? r : [typeof r === 'string' ? { msg: r } : r]) {
            const where = x.where ?? tok.where;
            const level = x.level ?? tok.level;
            const col = timeCol();
            text +=
              x.msg === tok.msg && where === tok.where && level === tok.level
                ? col + tok.text.slice(19)
                : renderRecord(col, level, x.msg, where);
            if (t.actions) t.actions(x.msg, before, after, tok);
          }
        } else if (tok.kind === 'nnpack') {
          if (!cpu) continue;
          const shift = t0 + vnow - (shiftBase + c.ms);
          text += shift ? shiftNnpack(tok.text, shift) : tok.text;
        } else if (tok.kind === 'bar' && tok.text.startsWith('\rsteps:')) {
          text += t.stepsBar ? t.stepsBar(tok) : tok.text;
        } else {
          let s = substitute(tok.text);
          if (t.raw) s = t.raw(s, tok, c);
          text += s;
        }
      }
      if (t.hook && (await t.hook(c, text, before, after)) === false) return false;
      const fd = c.fd;
      if (text || before.length || after.length) {
        await emit(fd, text, gap, { stepEnd: t.stepEnd === c.i, before, after });
      }
    }
    return true;
  }

  // ---- files ----
  const metadataFor = (steps, epochNo) => {
    const tagFrequency = {};
    const dirs = {};
    for (const s of dataset?.subsets ?? []) {
      const key = path.basename(s.imageDir);
      if (s.tags) tagFrequency[key] = s.tags;
      dirs[key] = { n_repeats: s.repeats, img_count: s.count ?? 0 };
    }
    const [w, h] = dataset?.resolution ?? REC.resolution;
    return {
      ss_session_id: String(1000000000 + (seed % 1000000000)),
      ss_training_started_at: String(startedAt),
      ss_output_name: name,
      ss_learning_rate: pyFloat(lr),
      ss_num_train_images: String(dataset?.total ?? REC.images),
      ss_num_batches_per_epoch: String(bpe),
      ss_num_epochs: String(epochs),
      ss_gradient_accumulation_steps: '1',
      ss_max_train_steps: String(maxSteps),
      ss_lr_scheduler: 'constant',
      ss_network_module: networkModule,
      ss_network_dim: String(dim),
      ss_network_alpha: pyFloat(alpha),
      ss_mixed_precision: mixedPrecision,
      ss_seed: String(seed),
      ss_optimizer: optimizer === 'AdamW' ? 'torch.optim.adamw.AdamW' : optimizer,
      ss_base_model_version: base[0],
      ss_sd_model_name: path.basename(model),
      ss_resolution: `(${w}, ${h})`,
      ss_tag_frequency: Object.keys(tagFrequency).length ? pyJson(tagFrequency) : '{}',
      ss_dataset_dirs: pyJson(dirs),
      ss_steps: String(steps),
      ss_epoch: String(epochNo),
      ss_training_finished_at: String(Date.now() / 1000),
      'modelspec.sai_model_spec': '1.0.0',
      'modelspec.architecture': base[1],
      'modelspec.implementation': 'diffusers',
      'modelspec.title': name,
      'modelspec.resolution': `${w}x${h}`,
    };
  };
  const startedAt = Date.now() / 1000;
  const writeFile = (file, data) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, data);
  };
  let stateSaves = 0;
  /** The file actions the state-saving log lines stand for (accelerate's save_state). */
  function stateActions(kind) {
    return (msg, before, after) => {
      let m;
      if ((m = /^\[RANK 0\] Saving current state to (.*)$/s.exec(msg))) {
        const d = m[1];
        before.push(() => fs.mkdirSync(d, { recursive: true }));
      } else if ((m = /^save train state to (.*) at epoch (\d+) step (\d+)$/s.exec(msg))) {
        const [file, e, s] = [m[1], Number(m[2]), Number(m[3])];
        after.push(() =>
          writeFile(
            file,
            JSON.stringify({ current_epoch: e, current_step: s })
              .replace(/":/g, '": ')
              .replace(/,"/g, ', "'),
          ),
        );
      } else if ((m = /^\[RANK 0\] Model weights saved in (.*)$/s.exec(msg))) {
        const file = m[1];
        before.push(async () => {
          const data = safetensors({ format: 'pt' }, dim, alpha);
          if (fail.disk && stateSaves === 1) {
            writeFile(file, data.subarray(0, Math.floor(data.length / 2)));
            await diskFull(kind);
          }
          writeFile(file, data);
        });
      } else if ((m = /^\[RANK 0\] (?:Optimizer|Scheduler) state saved in (.*)$/s.exec(msg))) {
        const file = m[1];
        before.push(() => writeFile(file, PLACEHOLDERS[path.basename(file)] ?? Buffer.alloc(0)));
      } else if ((m = /^\[RANK 0\] Random states saved in (.*)$/s.exec(msg))) {
        const file = m[1];
        before.push(() => writeFile(file, PLACEHOLDERS['random_states_0.pkl']));
      }
    };
  }
  async function diskFull(kind) {
    const caller = {
      step: [
        1504,
        'save_and_remove_state_stepwise',
        5968,
        'train_util.save_and_remove_state_stepwise(args, accelerator, global_step)',
      ],
      epoch: [
        1705,
        'save_and_remove_state_on_epoch_end',
        5946,
        'train_util.save_and_remove_state_on_epoch_end(args, accelerator, epoch + 1)',
      ],
      last: [
        1723,
        'save_state_on_train_end',
        5994,
        'train_util.save_state_on_train_end(args, accelerator)',
      ],
    }[kind];
    await die(
      frame(tn('train_network.py'), caller[0], 'train', caller[3]) +
        frame(
          tn('library/train_util.py'),
          caller[2],
          caller[1],
          'accelerator.save_state(state_dir)',
        ) +
        frame(
          `${sitePackages}/accelerate/accelerator.py`,
          3717,
          'save_state',
          'save_location = save_accelerator_state(',
          'save_accelerator_state(',
        ) +
        frame(
          `${sitePackages}/accelerate/checkpointing.py`,
          110,
          'save_accelerator_state',
          'save(state, output_model_file, save_on_each_node=save_on_each_node, safe_serialization=safe_serialization)',
        ) +
        frame(
          `${sitePackages}/accelerate/utils/other.py`,
          352,
          'save',
          'save_func(obj, f, metadata={"format": "pt"})',
        ) +
        frame(
          `${sitePackages}/safetensors/torch.py`,
          286,
          'save_file',
          'serialize_file(_flatten(tensors), filename, metadata=metadata)',
        ) +
        'OSError: [Errno 28] No space left on device\n',
      { bar: true },
    );
  }

  // ---- units ----
  const tplStateDir = (st) => outJoin(`${name}-step${pad(st.step, 8)}-state`);
  const tplCkpt = (st) => outJoin(`${name}-step${pad(st.step, 8)}.safetensors`);

  /** `\nsaving checkpoint: FILE` + sai_model_spec's warning, then the file. */
  async function checkpoint(st, file, steps, epochNo, indices) {
    let pending = null;
    await play(st, indices, {
      raw: (s) => {
        if (!s.includes('saving checkpoint: ')) return s;
        pending = file;
        return s
          .split(tplCkpt(st))
          .join(file)
          .replace(/saving checkpoint: .*$/m, `saving checkpoint: ${file}`);
      },
      rec: (msg) => msg,
      hook: (c, text, before, after) => {
        if (pending && c.tokens.some((t) => t.kind === 'rec' && /git commit hash/.test(t.msg))) {
          const f = pending;
          pending = null;
          after.push(() => writeFile(f, safetensors(metadataFor(steps, epochNo), dim, alpha)));
        }
      },
    });
    if (pending) writeFile(pending, safetensors(metadataFor(steps, epochNo), dim, alpha));
  }

  /** `saving state at step N` (or epoch N) and accelerate's lines, files written as they say. */
  async function stateSave(st, indices, targetDir, { kind, label, epochNo, step }) {
    stateSaves++;
    const tplDir = st.step ? tplStateDir(st) : null;
    return play(st, indices, {
      rec: (msg) => {
        if (tplDir) msg = msg.split(tplDir).join(targetDir);
        msg = msg.replace(/ at epoch \d+ step \d+$/, ` at epoch ${epochNo} step ${step}`);
        if (kind === 'epoch') {
          if (/^saving state at step \d+$/.test(msg))
            return { msg: `saving state at epoch ${label}`, where: 'train_util.py:5942' };
          if (msg === '') return { msg, where: 'train_util.py:5941' };
        } else msg = msg.replace(/^saving state at step \d+$/, `saving state at step ${label}`);
        return msg;
      },
      actions: stateActions(kind),
    });
  }

  /** generating sample images: the log lines per prompt, the inference bar, the PNG. */
  async function sample(st, g, epochNo) {
    const C = st.rec.chunks;
    const split = st.sample.findIndex((i) =>
      C[i].tokens.some((t) => t.kind === 'rec' && t.msg.startsWith('prompt: ')),
    );
    const head = st.sample.slice(0, split);
    const perPrompt = st.sample.slice(split);
    const headRecs = head.filter((i) => C[i].tokens.some((t) => t.kind === 'rec'));
    const sampleRec = (msg) => msg.replace(/ステップ: \d+$/, `ステップ: ${g}`);
    if (!prompts) {
      await play(st, headRecs.slice(0, 2), { rec: sampleRec });
      await logNow(
        'ERROR',
        `No prompt file / プロンプトファイルがありません: ${samplePrompts}`,
        'train_util.py:6396',
      );
      return;
    }
    await play(st, head, { rec: sampleRec });
    fs.mkdirSync(outJoin('sample'), { recursive: true });
    const recorded = readPromptsFromRecord(C, perPrompt);
    for (const [i, p] of prompts.entries()) {
      const width = Math.max(64, (p.width ?? 512) - ((p.width ?? 512) % 8));
      const height = Math.max(64, (p.height ?? 512) - ((p.height ?? 512) % 8));
      const steps = p.sample_steps ?? 30;
      const values = {
        prompt: p.prompt ?? '',
        negative_prompt: p.negative_prompt ?? 'None',
        height: String(height),
        width: String(width),
        sample_steps: String(steps),
        scale: pyFloat(p.scale ?? 7.5),
        sample_sampler: p.sample_sampler ?? sampleSampler,
        seed: p.seed === undefined ? null : String(p.seed),
      };
      const sameSteps = String(steps) === recorded.sample_steps;
      const rates = perPrompt
        .flatMap((k) => C[k].tokens)
        .filter((t) => t.kind === 'bar' && /\d+\/\d+ \[/.test(t.text) && !/\?it\/s/.test(t.text))
        .map((t) => barSpi(t.text));
      let inserted = false;
      await play(st, perPrompt, {
        rec: (msg) => {
          const m =
            /^(prompt|negative_prompt|height|width|sample_steps|scale|sample_sampler|seed): /.exec(
              msg,
            );
          if (!m) return msg;
          const v = values[m[1]];
          return v === null ? null : `${m[1]}: ${v}`;
        },
        hook: async (c) => {
          if (sameSteps || inserted) return;
          if (
            c.tokens.some(
              (t) => (t.kind === 'bar' || t.kind === 'nl') && !t.text.startsWith('\rsteps:'),
            )
          ) {
            inserted = true;
            await sampleBars(steps, rates);
          }
        },
        raw: (s, tok) => (!sameSteps && (tok.kind === 'bar' || tok.kind === 'nl') ? '' : s),
      });
      const stamp = localStamp();
      const file = outJoin(
        `sample/${name ? `${name}_` : ''}${epochNo !== null ? `e${pad(epochNo, 6)}` : pad(g, 6)}_${pad(i, 2)}_${stamp}${p.seed === undefined ? '' : `_${p.seed}`}.png`,
      );
      writeFile(file, samplePng(width, height, p.seed ?? 0));
    }
  }
  function readPromptsFromRecord(C, indices) {
    const v = {};
    for (const i of indices) {
      for (const t of C[i].tokens) {
        const m = t.kind === 'rec' && /^(\w+): (.*)$/s.exec(t.msg);
        if (m) v[m[1]] = m[2];
      }
    }
    return v;
  }
  async function sampleBars(steps, rates) {
    const spiAt = (k) => rates[k % Math.max(1, rates.length)] ?? 0.5;
    await emit(2, `\n\r  0%|          | 0/${steps} [00:00<?, ?it/s]\x1b[A`, 5);
    let el = 0;
    for (let k = 1; k <= steps; k++) {
      const spi = spiAt(k - 1);
      el += spi;
      const pct = String(pyRound((k / steps) * 100)).padStart(3);
      const line = `${pct}%|${tqBar(k, steps)}| ${k}/${steps} [${fmtInterval(el)}<${fmtInterval((steps - k) * spi)}, ${fmtRate(spi)}]`;
      vnow += spi * 1000;
      await emit(2, `\n\r${line}\x1b[A`, spi * 1000);
    }
    const spi = el / steps;
    await emit(
      2,
      `\r100%|${tqBar(1, 1)}| ${steps}/${steps} [${fmtInterval(el)}<00:00, ${fmtRate(spi)}]\n`,
      1,
    );
  }
  function localStamp() {
    const d = new Date();
    return `${d.getFullYear()}${pad(d.getMonth() + 1, 2)}${pad(d.getDate(), 2)}${pad(d.getHours(), 2)}${pad(d.getMinutes(), 2)}${pad(d.getSeconds(), 2)}`;
  }

  // ---- preamble ----
  const pre = resumeDir ? resume : train;
  const isFile = (() => {
    try {
      return fs.statSync(model).isFile();
    } catch {
      return false;
    }
  })();
  const modelProblem = (() => {
    try {
      const st = fs.statSync(model);
      if (st.isFile()) {
        fs.accessSync(model, fs.constants.R_OK);
        return null;
      }
      if (!fs.existsSync(path.join(model, 'model_index.json'))) return 'no-index';
      return null;
    } catch (e) {
      return e.code === 'EACCES' ? 'unreadable' : 'missing';
    }
  })();
  const summary = (s) =>
    s
      .replace(/(num train images \* repeats \/ [^:]*: )\d+/, `$1${dataset?.total ?? REC.images}`)
      .replace(/(num batches per epoch \/ [^:]*: )\d+/, `$1${bpe}`)
      .replace(/(num epochs \/ [^:]*: )\d+/, `$1${epochs}`)
      .replace(/(batch size per device \/ [^:]*: )\d+/, `$1${dataset?.batchSize ?? 1}`)
      .replace(/(total optimization steps \/ [^:]*: )\d+/, `$1${maxSteps}`)
      .replace(/accelerator device: cpu/, `accelerator device: ${device}`)
      .split(' networks.lora')
      .join(` ${networkModule}`);
  const [rw, rh] = dataset?.resolution ?? REC.resolution;
  const images = dataset?.known ? dataset.images : REC.images;
  const total = dataset?.known ? dataset.total : REC.images;
  const preRec = (msg) => {
    let m;
    if (/^load tokenizer from cache:/.test(msg) && !tokenizerDir) return null;
    if ((m = /^found directory (.*) contains \d+ image files$/s.exec(msg))) {
      return `found directory ${m[1]} contains ${images} image files`;
    }
    if (/^\d+ train images with repeats\.$/.test(msg)) return `${total} train images with repeats.`;
    if (/^set image size from cache files: \d+\/\d+$/.test(msg))
      return `set image size from cache files: 0/${images}`;
    if (msg.startsWith('[Dataset 0]')) {
      return msg
        .replace(/batch_size: \d+/, `batch_size: ${dataset?.batchSize ?? REC.batch}`)
        .replace(/resolution: \(\d+, \d+\)/, `resolution: (${rw}, ${rh})`)
        .replace(/image_count: \d+/, `image_count: ${images}`)
        .replace(/num_repeats: \d+/, `num_repeats: ${dataset?.repeats ?? REC.repeats}`);
    }
    if ((m = /^bucket 0: resolution \(\d+, \d+\), count: \d+$/.exec(msg))) {
      return `bucket 0: resolution (${rw}, ${rh}), count: ${total}`;
    }
    if (/^create LoRA network\. base dim \(rank\): /.test(msg)) {
      return `create LoRA network. base dim (rank): ${dim}, alpha: ${pyFloat(alpha)}`;
    }
    if (/^use AdamW optimizer \| /.test(msg)) return `use ${optimizer} optimizer | {}`;
    if (/^load Diffusers pretrained models: /.test(msg) && isFile) {
      return { msg: `load StableDiffusion checkpoint: ${model}`, where: 'train_util.py:5530' };
    }
    if (msg === 'U-Net converted to original U-Net' && isFile) {
      return [
        ['u-net', 'model_util.py:1011'],
        ['vae', 'model_util.py:1019'],
        ['text encoder', 'model_util.py:1076'],
      ].map(([part, where]) => ({
        msg: `loading ${part}: <All keys matched successfully>`,
        where,
      }));
    }
    if (/^load train state from /.test(msg)) {
      if (!stateFromFile) return null;
      return `load train state from ${path.join(resumeDir, 'train_state.json')}: ${pyRepr(stateFromFile)}`;
    }
    if (/^skipping \d+ steps \//.test(msg)) {
      return skipLog === null
        ? null
        : `skipping ${skipLog} steps / ${skipLog}ステップをスキップします`;
    }
    return msg;
  };
  const preRaw = (s, tok, c) => {
    if (isFile && /\r(Loading pipeline components|Loading weights)/.test(c.text)) return '';
    if (tok.kind === 'bar' && /\| \d+\/\d+ \[/.test(s) && !/Loading/.test(s)) {
      return s.replace(
        /\| (\d+)\/(\d+) \[/,
        (_, n, d) => `| ${Number(n) === Number(d) ? images : n}/${images} [`,
      );
    }
    return summary(s);
  };
  const isRec = (c, re) => c.tokens.some((t) => t.kind === 'rec' && re.test(t.msg));
  const ok = await play(pre, pre.pre, {
    rec: preRec,
    raw: preRaw,
    hook: async (c, text, before, after) => {
      // dataset config that is not a file: config_util.load_user_config() raises
      if (isRec(c, /^Loading dataset config from /) && opt.dataset_config && !dataset) {
        after.push(async () => {
          await die(
            frame(
              tn('train_network.py'),
              520,
              'train',
              'user_config = config_util.load_user_config(args.dataset_config)',
              'config_util.load_user_config(args.dataset_config)',
            ) +
              frame(
                tn('library/config_util.py'),
                678,
                'load_user_config',
                'raise ValueError(f"file not found / ファイルが見つかりません: {file}")',
              ) +
              `ValueError: file not found / ファイルが見つかりません: ${opt.dataset_config}\n`,
          );
        });
      }
      if (isRec(c, /^load Diffusers pretrained models: /) && modelProblem) {
        after.push(() => modelError());
      }
      if (
        isRec(c, /^resume training from local state: /) &&
        resumeDir &&
        !fs.existsSync(resumeDir)
      ) {
        after.push(async () => {
          await die(
            frame(
              tn('train_network.py'),
              975,
              'train',
              'train_util.resume_from_local_or_hf_if_specified(accelerator, args)',
            ) +
              frame(
                tn('library/train_util.py'),
                4778,
                'resume_from_local_or_hf_if_specified',
                'accelerator.load_state(args.resume)',
              ) +
              frame(
                `${sitePackages}/accelerate/accelerator.py`,
                3826,
                'load_state',
                'raise ValueError(f"Tried to find {input_dir} but folder does not exist")',
              ) +
              `ValueError: Tried to find ${resumeDir} but folder does not exist\n`,
          );
        });
      }
      if (isRec(c, /^use AdamW optimizer/) && maxEpochsArg !== null) {
        after.push(() =>
          writeAll(
            1,
            `override steps. steps for ${maxEpochsArg} epochs is / 指定エポックまでのステップ数: ${maxSteps}\n`,
          ),
        );
      }
      if (isRec(c, /^skipping \d+ steps/) && skippedEpochLogs.length) {
        after.push(async () => {
          for (const [k, s] of skippedEpochLogs) {
            await logNow(
              'INFO',
              `skipping epoch ${k} because initial_step (multiplied) is ${s}`,
              'train_network.py:1342',
            );
          }
        });
      }
      return undefined;
    },
  });
  if (ok === false) return;

  async function modelError() {
    const loadFrames =
      frame(
        tn('train_network.py'),
        602,
        'train',
        'model_version, text_encoder, vae, unet = self.load_target_model(args, weight_dtype, accelerator)',
        'self.load_target_model(args, weight_dtype, accelerator)',
      ) +
      frame(
        tn('train_network.py'),
        180,
        'load_target_model',
        'text_encoder, vae, unet, _ = train_util.load_target_model(args, weight_dtype, accelerator)',
        'train_util.load_target_model(args, weight_dtype, accelerator)',
      ) +
      frame(
        tn('library/train_util.py'),
        5576,
        'load_target_model',
        'text_encoder, vae, unet, load_stable_diffusion_format = _load_target_model(',
        '_load_target_model(',
      );
    if (modelProblem === 'unreadable') {
      await die(
        loadFrames +
          frame(
            tn('library/train_util.py'),
            5531,
            '_load_target_model',
            'text_encoder, vae, unet = model_util.load_models_from_stable_diffusion_checkpoint(',
            'model_util.load_models_from_stable_diffusion_checkpoint(',
          ) +
          frame(
            tn('library/model_util.py'),
            1004,
            'load_models_from_stable_diffusion_checkpoint',
            '_, state_dict = load_checkpoint_with_text_encoder_conversion(ckpt_path, device)',
            'load_checkpoint_with_text_encoder_conversion(ckpt_path, device)',
          ) +
          frame(
            tn('library/model_util.py'),
            982,
            'load_checkpoint_with_text_encoder_conversion',
            'checkpoint = load_file(ckpt_path)  # , device) # may causes error',
            'load_file(ckpt_path)',
          ) +
          frame(
            `${sitePackages}/safetensors/torch.py`,
            313,
            'load_file',
            'with safe_open(filename, framework="pt", device=device) as f:',
            'safe_open(filename, framework="pt", device=device)',
          ) +
          `PermissionError: [Errno 13] Permission denied: ${pyStr(model)}\n`,
      );
    }
    const hubStyle = model.startsWith('/') || model.split('/').length > 2;
    if (modelProblem === 'missing' && hubStyle) {
      await die(
        loadFrames +
          frame(
            tn('library/train_util.py'),
            5538,
            '_load_target_model',
            'pipe = StableDiffusionPipeline.from_pretrained(name_or_path, tokenizer=None, safety_checker=None)',
            'StableDiffusionPipeline.from_pretrained(name_or_path, tokenizer=None, safety_checker=None)',
          ) +
          frame(
            `${sitePackages}/huggingface_hub/utils/_validators.py`,
            114,
            '_inner_fn',
            'return fn(*args, **kwargs)',
            'fn(*args, **kwargs)',
          ) +
          frame(
            `${sitePackages}/diffusers/pipelines/pipeline_utils.py`,
            833,
            'from_pretrained',
            'cached_folder = cls.download(',
            'cls.download(',
          ) +
          frame(
            `${sitePackages}/huggingface_hub/utils/_validators.py`,
            106,
            '_inner_fn',
            'validate_repo_id(arg_value)',
          ) +
          frame(
            `${sitePackages}/huggingface_hub/utils/_validators.py`,
            154,
            'validate_repo_id',
            'raise HFValidationError(',
          ) +
          `huggingface_hub.errors.HFValidationError: Repo id must be in the form 'repo_name' or 'namespace/repo_name': ${pyStr(model)}. Use \`repo_type\` argument if needed.\n`,
      );
    }
    await logNow(
      'ERROR',
      `model is not found as a file or in Hugging Face, perhaps file name is wrong? / 指定したモデル名のファイル、またはHugging Faceのモデルが見つかりません。ファイル名が誤っているかもしれません: ${model}`,
      'train_util.py:5540',
    );
    const tail =
      modelProblem === 'no-index'
        ? frame(
            `${sitePackages}/diffusers/configuration_utils.py`,
            378,
            'load_config',
            'raise EnvironmentError(',
          ) + `OSError: Error no file named model_index.json found in directory ${model}.\n`
        : frame(
            `${sitePackages}/diffusers/configuration_utils.py`,
            417,
            'load_config',
            'raise EnvironmentError(',
          ) +
          `OSError: ${model} is not a local folder and is not a valid model identifier listed on 'https://huggingface.co/models'\nIf this is a private repository, make sure to pass a token having permission to this repo either by logging in with \`hf auth login\` or by passing \`token=<your_token>\`\n`;
    await die(
      loadFrames +
        frame(
          tn('library/train_util.py'),
          5538,
          '_load_target_model',
          'pipe = StableDiffusionPipeline.from_pretrained(name_or_path, tokenizer=None, safety_checker=None)',
          'StableDiffusionPipeline.from_pretrained(name_or_path, tokenizer=None, safety_checker=None)',
        ) +
        frame(
          `${sitePackages}/huggingface_hub/utils/_validators.py`,
          114,
          '_inner_fn',
          'return fn(*args, **kwargs)',
          'fn(*args, **kwargs)',
        ) +
        frame(
          `${sitePackages}/diffusers/pipelines/pipeline_utils.py`,
          921,
          'from_pretrained',
          'config_dict = cls.load_config(cached_folder)',
          'cls.load_config(cached_folder)',
        ) +
        frame(
          `${sitePackages}/huggingface_hub/utils/_validators.py`,
          114,
          '_inner_fn',
          'return fn(*args, **kwargs)',
          'fn(*args, **kwargs)',
        ) +
        tail,
    );
  }

  if (assertFails) {
    await die(
      frame(tn('train_network.py'), 1253, 'train', 'assert (') +
        `AssertionError: max_train_steps should be greater than initial step / max_train_stepsは初期ステップより大きい必要があります: ${maxSteps} vs ${initialStep}\n`,
    );
  }

  // ---- training ----
  const startUnit = pre;
  const startIdx = startUnit.start;
  const SC = startUnit.rec.chunks;
  const epochLine = startIdx.find((i) => SC[i].fd === 1 && /\nepoch \d+\/\d+\n/.test(SC[i].text));
  const epochRec = startIdx.find((i) => isRec(SC[i], /^epoch is incremented/));
  const barIdx = startIdx.find((i) => SC[i].text.startsWith('\rsteps:'));
  let datasetEpoch = 0;
  async function epochStart(epoch, withBar) {
    const idx = withBar ? [barIdx, epochLine] : [epochLine];
    await play(startUnit, idx, {
      stepsBar: () => stepsBar(0, tqdmTotal, 1, ''),
      raw: (s) => s.replace(/^epoch \d+\/\d+$/m, `epoch ${epoch + 1}/${epochs}`),
    });
  }
  async function epochIncremented(epoch) {
    const from = datasetEpoch;
    datasetEpoch = epoch + 1;
    await play(startUnit, [epochRec], {
      rec: (msg) =>
        msg.replace(
          /current_epoch: \d+, epoch: \d+/,
          `current_epoch: ${from}, epoch: ${epoch + 1}`,
        ),
    });
  }

  let n = 0; // tqdm's count
  const sampleAtStep = (g) =>
    Boolean(samplePrompts) &&
    sampleEveryNEpochs === null &&
    sampleEveryNSteps &&
    g % sampleEveryNSteps === 0;
  for (let epoch = epochToStart; epoch < epochs; epoch++) {
    await epochStart(epoch, epoch === epochToStart);
    let batches = bpe;
    if (initialStep > 0) {
      batches = bpe - (initialStep - 1);
      initialStep = 1;
    }
    let first = true;
    for (let b = 0; b < batches; b++) {
      if (first) {
        await epochIncremented(epoch);
        first = false;
        if (fail.oom) {
          await sleep(stepMs ?? 0);
          await die(oomTraceback(), { bar: true });
        }
      }
      if (initialStep > 0) {
        initialStep--;
        continue;
      }
      const g = ++globalStep;
      n++;
      tq.n = n;
      const st = templateOf(g);
      stepMark = performance.now();
      const prevPostfix = tq.postfix;
      await play(st, st.compute, {
        stepsBar: (tok) => stepsBar(n, tqdmTotal, barSpi(tok.text), prevPostfix),
        stepEnd: st.compute[st.compute.length - 1],
      });
      if (sampleAtStep(g)) await sample(st, g, null);
      const saving = saveEveryNSteps && g % saveEveryNSteps === 0;
      if (saving) {
        await checkpoint(st, outJoin(`${name}-step${pad(g, 8)}.${ext}`), g, epoch, st.ckpt);
        if (saveState) {
          await stateSave(st, st.state, outJoin(`${name}-step${pad(g, 8)}-state`), {
            kind: 'step',
            label: g,
            epochNo: epoch + 1,
            step: g,
          });
        }
      }
      if (fail.crashAfter !== null && g === fail.crashAfter) {
        process.kill(process.pid, 'SIGKILL');
        await sleep(1000);
      }
      tq.postfix = `, avr_loss=${lossOf(g)}`;
      await play(st, st.post, {
        stepsBar: (tok) => stepsBar(n, tqdmTotal, barSpi(tok.text), tq.postfix),
      });
      if (globalStep >= maxSteps) {
        break;
      }
    }
    // end of epoch
    const st = templateOf(globalStep);
    if (saveEveryNEpochs && (epoch + 1) % saveEveryNEpochs === 0 && epoch + 1 < epochs) {
      await checkpoint(
        st,
        outJoin(`${name}-${pad(epoch + 1, 6)}.${ext}`),
        globalStep,
        epoch + 1,
        st.ckpt,
      );
      if (saveState) {
        await stateSave(st, st.state, outJoin(`${name}-${pad(epoch + 1, 6)}-state`), {
          kind: 'epoch',
          label: epoch + 1,
          epochNo: epoch + 1,
          step: globalStep,
        });
      }
    }
    if (samplePrompts && sampleEveryNEpochs && (epoch + 1) % sampleEveryNEpochs === 0) {
      await sample(st, globalStep, epoch + 1);
    }
  }

  // ---- the end: last state, the model, the bar closed ----
  const end = pre;
  if (saveState || saveStateOnTrainEnd) {
    await stateSave(end, end.lastState, outJoin(`${name}-state`), {
      kind: 'last',
      label: null,
      epochNo: datasetEpoch || epochs,
      step: globalStep,
    });
  }
  await checkpoint(
    { rec: end.rec, step: 0 },
    outJoin(`${name}.${ext}`),
    globalStep,
    epochs,
    end.final,
  );
  await play(end, end.close, {
    stepsBar: (tok) =>
      stepsBar(n, tqdmTotal, barSpi(tok.text), tq.postfix) + (tok.text.endsWith('\n') ? '\n' : ''),
  });
  process.exit(0);

  function oomTraceback() {
    const torch = `${sitePackages}/torch`;
    return (
      frame(
        tn('train_network.py'),
        1427,
        'train',
        'loss = self.process_batch(',
        'self.process_batch(',
      ) +
      frame(
        tn('train_network.py'),
        453,
        'process_batch',
        'noise_pred, target, timesteps, weighting = self.get_noise_pred_and_target(',
        'self.get_noise_pred_and_target(',
      ) +
      frame(
        tn('train_network.py'),
        287,
        'get_noise_pred_and_target',
        'noise_pred = self.call_unet(',
        'self.call_unet(',
      ) +
      frame(
        tn('train_network.py'),
        229,
        'call_unet',
        'noise_pred = unet(noisy_latents, timesteps, text_conds[0]).sample',
        'unet(noisy_latents, timesteps, text_conds[0])',
      ) +
      frame(
        `${torch}/nn/modules/module.py`,
        1773,
        '_wrapped_call_impl',
        'return self._call_impl(*args, **kwargs)',
        'self._call_impl(*args, **kwargs)',
      ) +
      frame(
        `${torch}/nn/modules/module.py`,
        1784,
        '_call_impl',
        'return forward_call(*args, **kwargs)',
        'forward_call(*args, **kwargs)',
      ) +
      frame(
        `${sitePackages}/accelerate/utils/operations.py`,
        819,
        'forward',
        'return model_forward(*args, **kwargs)',
        'model_forward(*args, **kwargs)',
      ) +
      frame(
        `${sitePackages}/accelerate/utils/operations.py`,
        807,
        '__call__',
        'return convert_to_fp32(self.model_forward(*args, **kwargs))',
        'self.model_forward(*args, **kwargs)',
      ) +
      frame(
        `${torch}/amp/autocast_mode.py`,
        44,
        'decorate_autocast',
        'return func(*args, **kwargs)',
        'func(*args, **kwargs)',
      ) +
      frame(
        tn('library/original_unet.py'),
        1657,
        'forward',
        'sample = upsample_block(',
        'upsample_block(',
      ) +
      frame(
        `${torch}/nn/modules/module.py`,
        1773,
        '_wrapped_call_impl',
        'return self._call_impl(*args, **kwargs)',
        'self._call_impl(*args, **kwargs)',
      ) +
      frame(
        `${torch}/nn/modules/module.py`,
        1784,
        '_call_impl',
        'return forward_call(*args, **kwargs)',
        'forward_call(*args, **kwargs)',
      ) +
      frame(
        tn('library/original_unet.py'),
        1086,
        'forward',
        'hidden_states = resnet(hidden_states, temb)',
        'resnet(hidden_states, temb)',
      ) +
      frame(
        `${torch}/nn/modules/module.py`,
        1773,
        '_wrapped_call_impl',
        'return self._call_impl(*args, **kwargs)',
        'self._call_impl(*args, **kwargs)',
      ) +
      frame(
        `${torch}/nn/modules/module.py`,
        1784,
        '_call_impl',
        'return forward_call(*args, **kwargs)',
        'forward_call(*args, **kwargs)',
      ) +
      frame(
        tn('library/original_unet.py'),
        467,
        'forward',
        'hidden_states = self.norm1(hidden_states)',
        'self.norm1(hidden_states)',
      ) +
      frame(
        `${torch}/nn/modules/module.py`,
        1773,
        '_wrapped_call_impl',
        'return self._call_impl(*args, **kwargs)',
        'self._call_impl(*args, **kwargs)',
      ) +
      frame(
        `${torch}/nn/modules/module.py`,
        1784,
        '_call_impl',
        'return forward_call(*args, **kwargs)',
        'forward_call(*args, **kwargs)',
      ) +
      frame(
        `${torch}/nn/modules/normalization.py`,
        313,
        'forward',
        'return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)',
        'F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)',
      ) +
      frame(
        `${torch}/nn/functional.py`,
        2965,
        'group_norm',
        'return torch.group_norm(',
        'torch.group_norm(',
      ) +
      'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB. GPU 0 has a total capacity of 7.79 GiB of which 12.50 MiB is free. Including non-PyTorch memory, this process has 7.76 GiB memory in use. Of the allocated memory 7.45 GiB is allocated by PyTorch, and 181.27 MiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)\n'
    );
  }
}

/** c10's warning time stamp `[W1205 00:34:44.603934067` moved by `shift` ms. */
function shiftNnpack(text, shift) {
  return text.replace(
    /^\[W(\d\d)(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{9})/,
    (_, mo, d, h, mi, s, ns) => {
      const ms =
        Date.UTC(2026, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) +
        Number(ns.slice(0, 3)) +
        shift;
      const t = new Date(ms);
      return `[W${pad(t.getUTCMonth() + 1, 2)}${pad(t.getUTCDate(), 2)} ${pad(t.getUTCHours(), 2)}:${pad(t.getUTCMinutes(), 2)}:${pad(t.getUTCSeconds(), 2)}.${pad(t.getUTCMilliseconds(), 3)}${ns.slice(3)}`;
    },
  );
}

/**
 * The recorded run's clock: the instant (ms, as UTC) its chunk offsets count from, chosen inside
 * the window every printed log time allows, so the same offsets print the same times.
 */
export function clockBase(rec) {
  let lo = -Infinity;
  let hi = Infinity;
  let last = null;
  for (const c of rec.chunks) {
    for (const t of c.tokens) {
      if (t.kind !== 'rec') continue;
      const shown = t.time.trim() ? t.time : last;
      if (t.time.trim()) last = t.time;
      if (!shown) continue;
      const sec = Date.parse(`${shown.replace(' ', 'T')}Z`);
      lo = Math.max(lo, sec - c.ms);
      hi = Math.min(hi, sec + 1000 - c.ms);
    }
  }
  return Math.floor((lo + hi) / 2);
}

const invoked = process.argv[1] && pathToFileURL(fs.realpathSync(process.argv[1])).href;
if (invoked === import.meta.url) await main();
