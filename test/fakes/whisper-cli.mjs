#!/usr/bin/env node
// A stand-in for whisper.cpp's `whisper-cli` (examples/cli/cli.cpp) that writes its outputs in
// their exact shapes: the stderr it prints while working (`whisper_print_progress_callback:
// progress = N%` with -pp, `output_json: saving output to 'BASE.json'`), and the `-oj` / `-ojf`
// JSON its hand-written writer produces (tab indentation, keys in its order; per token, with
// -ojf, text, timestamps/offsets when known, id, p, t_dtw).
// It recognises nothing: the words come from FAKE_WHISPER_TRANSCRIPT, a JSON array of segments
// [{"from": ms, "to": ms, "text": " Hola a todos."}] (each word a token with its share of the
// segment's time). FAKE_WHISPER_FAIL=1 exits 1 the way a missing model does.
// Usage as whisper-cli: -m MODEL -f FILE.wav [-l LANG] [-oj|-ojf] [-of BASE] [-pp] [-np]
import fs from 'node:fs';

const argv = process.argv.slice(2);
const opt = (names) => {
  for (const n of names) {
    const i = argv.indexOf(n);
    if (i >= 0) return argv[i + 1];
  }
  return undefined;
};
const has = (n) => argv.includes(n);
const model = opt(['-m', '--model']);
const input = opt(['-f', '--file']);
const lang = opt(['-l', '--language']) ?? 'en';
const base = opt(['-of', '--output-file']) ?? input;
const full = has('-ojf') || has('--output-json-full');
const json = full || has('-oj') || has('--output-json');

if (process.env.FAKE_WHISPER_FAIL === '1' || !model || !fs.existsSync(model)) {
  process.stderr.write(
    `whisper_init_from_file_with_params_no_state: loading model from '${model}'\n`,
  );
  process.stderr.write(`whisper_init_from_file_with_params_no_state: failed to open '${model}'\n`);
  process.stderr.write(`error: failed to initialize whisper context\n`);
  process.exit(3);
}
if (!input || !fs.existsSync(input)) {
  process.stderr.write(`error: input file not found '${input}'\n`);
  process.stderr.write('error: no input files specified\n');
  process.exit(2);
}

const segments = JSON.parse(process.env.FAKE_WHISPER_TRANSCRIPT ?? '[]');
process.stderr.write(
  `whisper_init_from_file_with_params_no_state: loading model from '${model}'\n`,
);
process.stderr.write(
  `system_info: n_threads = 2 / 2 | CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | OPENMP = 1 | REPACK = 1 |\n\n`,
);
process.stderr.write(
  `main: processing '${input}' (0 samples, 0.0 sec), 2 threads, 1 processors, 5 beams + best of 5, lang = ${lang}, task = transcribe, timestamps = 1 ...\n\n`,
);
if (has('-pp') || has('--print-progress'))
  for (const p of [5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95, 100])
    process.stderr.write(`whisper_print_progress_callback: progress = ${String(p).padStart(3)}%\n`);

const cs = (ms) => Math.round(ms / 10); // whisper's time unit: 10 ms
const stamp = (t) => {
  const ms = t * 10;
  const h = Math.floor(ms / 3600000),
    m = Math.floor((ms % 3600000) / 60000),
    s = Math.floor((ms % 60000) / 1000);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${p(h)}:${p(m)}:${p(s)},${p(ms % 1000, 3)}`;
};
const esc = (s) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
const out = [];
let indent = 0;
const line = (s) => out.push('\t'.repeat(indent) + s);
const times = (t0, t1, end) => {
  line('"timestamps": {');
  indent++;
  line(`"from": "${stamp(t0)}",`);
  line(`"to": "${stamp(t1)}"`);
  indent--;
  line('},');
  line('"offsets": {');
  indent++;
  line(`"from": ${t0 * 10},`);
  line(`"to": ${t1 * 10}`);
  indent--;
  line(end ? '}' : '},');
};
if (json) {
  line('{');
  indent++;
  line('"systeminfo": "AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | OPENMP = 1 | REPACK = 1 | ",');
  line('"model": {');
  indent++;
  line('"type": "base",');
  line('"multilingual": true,');
  line('"vocab": 51865,');
  line('"audio": {');
  indent++;
  line('"ctx": 1500,');
  line('"state": 512,');
  line('"head": 8,');
  line('"layer": 6');
  indent--;
  line('},');
  line('"text": {');
  indent++;
  line('"ctx": 448,');
  line('"state": 512,');
  line('"head": 8,');
  line('"layer": 6');
  indent--;
  line('},');
  line('"mels": 80,');
  line('"ftype": 1');
  indent--;
  line('},');
  line('"params": {');
  indent++;
  line(`"model": "${esc(model)}",`);
  line(`"language": "${lang}",`);
  line('"translate": false');
  indent--;
  line('},');
  line('"result": {');
  indent++;
  line(`"language": "${lang === 'auto' ? 'en' : lang}"`);
  indent--;
  line('},');
  line('"transcription": [');
  indent++;
  segments.forEach((seg, i) => {
    const t0 = cs(seg.from),
      t1 = cs(seg.to);
    line('{');
    indent++;
    times(t0, t1, false);
    line(`"text": "${esc(seg.text)}"${full ? ',' : ''}`);
    if (full) {
      const words = seg.text.match(/\s*\S+/g) ?? [];
      const each = (t1 - t0) / Math.max(1, words.length);
      const tokens = [
        { text: '[_BEG_]', t0, t1: t0, id: 50364 },
        ...words.map((w, k) => ({
          text: w,
          t0: Math.round(t0 + k * each),
          t1: Math.round(t0 + (k + 1) * each),
          id: 1000 + k,
        })),
      ];
      line('"tokens": [');
      indent++;
      tokens.forEach((tk, j) => {
        line('{');
        indent++;
        line(`"text": "${esc(tk.text)}",`);
        times(tk.t0, tk.t1, false);
        line(`"id": ${tk.id},`);
        line(`"p": ${j === 0 ? 0.984128 : 0.912345},`);
        line('"t_dtw": -1');
        indent--;
        line(j === tokens.length - 1 ? '}' : '},');
      });
      indent--;
      line(']');
    }
    indent--;
    line(i === segments.length - 1 ? '}' : '},');
  });
  indent--;
  line(']');
  indent--;
  line('}');
  process.stderr.write(`output_json: saving output to '${base}.json'\n`);
  fs.writeFileSync(`${base}.json`, out.join('\n') + '\n');
}
process.stderr.write(
  `\nwhisper_print_timings:     load time =    42.00 ms\nwhisper_print_timings:    total time =   420.00 ms\n`,
);
