#!/usr/bin/env node
// A stand-in for Piper (rhasspy/piper's `piper` binary): reads the text on stdin, writes a
// 16-bit mono 22,050 Hz WAV to --output_file, and logs on stderr the way it does ("[piper]
// [info] Loaded voice…", "Real-time factor: …"). It speaks nothing real: a quiet tone 70 ms a
// character, times --length_scale, so fitting can be tested. FAKE_PIPER_FAIL=1 dies on the
// first line the way a crashed onnxruntime does.
import fs from 'node:fs';

const argv = process.argv.slice(2);
const opt = (n) => (argv.includes(n) ? argv[argv.indexOf(n) + 1] : undefined);
const model = opt('--model') ?? opt('-m');
const out = opt('--output_file') ?? opt('-f');
const scale = Number(opt('--length_scale') ?? '1');
const stamp = () => new Date().toISOString().replace('T', ' ').replace('Z', '');
if (!model || !fs.existsSync(model)) {
  process.stderr.write(`[${stamp()}] [piper] [error] Model file doesn't exist\n`);
  process.exit(1);
}
let text = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => (text += d));
process.stdin.on('end', () => {
  process.stderr.write(`[${stamp()}] [piper] [info] Loaded voice in 0.21 second(s)\n`);
  if (process.env.FAKE_PIPER_FAIL === '1') {
    process.stderr.write(
      "terminate called after throwing an instance of 'Ort::Exception'\n  what():  bad allocation\n",
    );
    process.kill(process.pid, 'SIGABRT');
    return;
  }
  const rate = 22050;
  const seconds = Math.max(0.2, text.trim().length * 0.07 * scale);
  const n = Math.round(rate * seconds);
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++)
    data.writeInt16LE(Math.round(3000 * Math.sin((2 * Math.PI * 220 * i) / rate)), i * 2);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVE', 8);
  h.write('fmt ', 12);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  fs.writeFileSync(out, Buffer.concat([h, data]));
  process.stderr.write(
    `[${stamp()}] [piper] [info] Real-time factor: 0.05 (infer=${(seconds * 0.05).toFixed(3)} sec, audio=${seconds.toFixed(3)} sec)\n`,
  );
  process.stdout.write(`${out}\n`);
});
