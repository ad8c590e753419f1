import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { which } from '../../../src-main/core/engines/ffmpeg';

/** Why the real Debian engines cannot run here, or null (CI installs them: see .ci/run). */
export function speechEnginesProblem(): string | null {
  const missing = ['flite', 'apertium', 'espeak-ng', 'ffmpeg'].filter((p) => !which(p));
  if (!which('pocketsphinx_continuous') && !which('pocketsphinx')) missing.push('pocketsphinx');
  return missing.length
    ? `install ${missing.join(', ')} (Debian: pocketsphinx pocketsphinx-en-us apertium apertium-eng-spa espeak-ng flite)`
    : null;
}

/**
 * A video whose speech is known: flite's slt voice (which recognition understands; espeak-ng's
 * English is poorly recognised) says each sentence at its start time over a plain picture.
 */
export function speakingVideo(
  dir: string,
  sentences: { text: string; atMs: number }[],
  seconds: number,
): string {
  const inputs: string[] = [];
  sentences.forEach((s, i) => {
    const wav = path.join(dir, `s${i}.wav`);
    execFileSync('flite', ['-voice', 'slt', '-t', s.text, '-o', wav]);
    inputs.push('-i', wav);
  });
  const graph =
    sentences.map((s, i) => `[${i}]adelay=${s.atMs}|${s.atMs}[a${i}]`).join(';') +
    `;${sentences.map((_, i) => `[a${i}]`).join('')}amix=inputs=${sentences.length}:normalize=0,apad=whole_dur=${seconds}[out]`;
  const speech = path.join(dir, 'speech.wav');
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    ...inputs,
    '-filter_complex',
    graph,
    '-map',
    '[out]',
    '-ar',
    '16000',
    '-ac',
    '1',
    speech,
  ]);
  const video = path.join(dir, 'talk.mp4');
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `color=c=steelblue:s=320x240:r=25`,
    '-i',
    speech,
    '-t',
    String(seconds),
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-shortest',
    video,
  ]);
  return video;
}

export interface ProbedStream {
  codec_type: string;
  codec_name: string;
  tags?: { language?: string };
  disposition?: { default?: number };
}

export function probe(file: string): { streams: ProbedStream[]; format: { duration: string } } {
  return JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file], {
      encoding: 'utf8',
    }),
  ) as { streams: ProbedStream[]; format: { duration: string } };
}
