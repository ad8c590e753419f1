// Proves the kohya fake (kohya.mjs) reproduces its recordings: the recorded 2-step training and
// its resume, byte for byte once the recorded folders and name are replaced by the test's (same
// lengths, so rich wraps them at the same columns), with the files the real run left, written
// when the real run wrote them; and that it generalises and fails the way the real one does.
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { readChunks, size as pngSize } from './png.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FAKE = path.join(HERE, 'kohya.mjs');
const RECORDINGS = [
  process.env.FAKE_KOHYA_RECORDINGS,
  path.join(HERE, '../fixtures/engines/recordings/kohya'),
  path.join(HERE, '../../shared/engines/recordings/kohya'),
  path.join(HERE, '../../../shared/engines/recordings/kohya'),
].find((d): d is string => Boolean(d) && existsSync(path.join(d!, 'train.chunks.jsonl')));
const RECORDED_ROOT = '/tmp/recorded-engine';
const NAME = 'lorafake'; // as long as the recorded 'tinylora'

// ---- helpers -----------------------------------------------------------------------------------

const cleanups: string[] = [];
afterEach(() => {
  for (const d of cleanups.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * The recording's /tmp/recorded-engine laid out again under a folder of the same length: the
 * diffusers model folder, the dataset (3 captioned images and ds.toml), the prompt file.
 */
function workspace(root?: string) {
  const tmp = mkdtempSync('/tmp/kf-');
  cleanups.push(tmp);
  const r = root ?? `${tmp}/r${'0'.repeat(RECORDED_ROOT.length - tmp.length - 2)}`;
  const work = `${r}/kohya-work`;
  mkdirSync(`${work}/tiny-sd1-diffusers`, { recursive: true });
  writeFileSync(`${work}/tiny-sd1-diffusers/model_index.json`, '{}');
  mkdirSync(`${work}/data/imgs`, { recursive: true });
  ['red', 'blue', 'green'].forEach((c, i) => {
    writeFileSync(`${work}/data/imgs/img${i}.png`, 'png');
    writeFileSync(`${work}/data/imgs/img${i}.txt`, `a ${c} square, tokfox`);
  });
  writeFileSync(
    `${work}/ds.toml`,
    `[general]\ncaption_extension = '.txt'\nshuffle_caption = false\nenable_bucket = true\nmin_bucket_reso = 64\nmax_bucket_reso = 128\nbucket_reso_steps = 64\n\n[[datasets]]\nresolution = 64\nbatch_size = 1\n\n  [[datasets.subsets]]\n  image_dir = '${work}/data/imgs'\n  num_repeats = 1\n`,
  );
  writeFileSync(
    `${work}/prompts.txt`,
    'a tokfox portrait --n blurry --w 64 --h 64 --d 7 --l 5 --s 2\n',
  );
  return { root: r, work, out: `${work}/out` };
}

interface Recorded {
  argv: string[];
  stdout: string;
  stderr: string;
  tree: string[];
}
function recorded(name: 'train' | 'resume'): Recorded {
  const dir = RECORDINGS!;
  const meta = JSON.parse(readFileSync(path.join(dir, `${name}.meta.json`), 'utf8')) as {
    argv: string[];
  };
  return {
    argv: meta.argv.slice(1),
    stdout: readFileSync(path.join(dir, `${name}.stdout`), 'utf8'),
    stderr: readFileSync(path.join(dir, `${name}.stderr`), 'utf8'),
    tree: readFileSync(path.join(dir, `tree-after-${name}.txt`), 'utf8')
      .split('\n')
      .filter((l) => l.includes('\t'))
      .map((l) => l.split('\t')[0]!),
  };
}

/** The recorded text with this workspace's root and name (the venv in warnings stays recorded). */
function substituted(text: string, root: string, name = NAME): string {
  return text
    .replace(/\/tmp\/recorded-engine(?!\/engines\/venv)/g, root)
    .split('tinylora')
    .join(name);
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** [ms since spawn, fd, text] of every chunk read. */
  chunks: Array<[number, 1 | 2, string]>;
  ms: number;
}
function runFake(
  args: string[],
  env: Record<string, string> = {},
  onChunk?: (fd: 1 | 2, text: string, kill: (s: NodeJS.Signals) => void) => void,
): Promise<Run> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(FAKE, args, {
      env: { ...process.env, FAKE_KOHYA_SPEED: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Run['chunks'] = [];
    const kill = (s: NodeJS.Signals) => child.kill(s);
    for (const fd of [1, 2] as const) {
      (fd === 1 ? child.stdout : child.stderr).on('data', (b: Buffer) => {
        chunks.push([Date.now() - t0, fd, b.toString()]);
        onChunk?.(fd, b.toString(), kill);
      });
    }
    child.on('close', (code, signal) => {
      const text = (fd: 1 | 2) =>
        chunks
          .filter((c) => c[1] === fd)
          .map((c) => c[2])
          .join('');
      resolve({ code, signal, stdout: text(1), stderr: text(2), chunks, ms: Date.now() - t0 });
    });
  });
}

/** Every file under `dir`, relative, sorted (sample time stamps as STAMP). */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out.push(r);
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return out.map((f) => f.replace(/_\d{14}_/, '_STAMP_')).sort();
}

function safetensorsHeader(file: string): Record<string, unknown> & {
  __metadata__: Record<string, string>;
} {
  const b = readFileSync(file);
  const n = Number(b.readBigUInt64LE(0));
  return JSON.parse(b.subarray(8, 8 + n).toString('utf8')) as Record<string, unknown> & {
    __metadata__: Record<string, string>;
  };
}

/** The recorded argv for this workspace, with flags changed: [flag, value|null to drop, …]. */
function argvFor(rec: Recorded, ws: { root: string }, changes: Record<string, string | null> = {}) {
  const args = rec.argv.map((a) => substituted(a, ws.root));
  for (const [flag, value] of Object.entries(changes)) {
    const i = args.indexOf(flag);
    const takesValue = i >= 0 && i + 1 < args.length && !args[i + 1]!.startsWith('--');
    if (value === null) {
      if (i >= 0) args.splice(i, takesValue ? 2 : 1);
    } else if (i >= 0) {
      if (takesValue) args[i + 1] = value;
    } else args.push(flag, ...(value ? [value] : []));
  }
  return args;
}

// ---- tests ---------------------------------------------------------------------------------------

describe.skipIf(!RECORDINGS)('kohya fake', () => {
  it('replays the recorded training byte for byte and leaves the recorded files', async () => {
    const rec = recorded('train');
    const ws = workspace();
    const run = await runFake(argvFor(rec, ws));
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(substituted(rec.stdout, ws.root));
    expect(run.stderr).toBe(substituted(rec.stderr, ws.root));
    expect(tree(ws.out)).toEqual(
      rec.tree
        .map((f) =>
          f
            .split('tinylora')
            .join(NAME)
            .replace(/_\d{14}_/, '_STAMP_'),
        )
        .sort(),
    );

    // the LoRA files are safetensors with kohya's metadata
    const head = safetensorsHeader(`${ws.out}/${NAME}-step00000001.safetensors`);
    expect(head.__metadata__).toMatchObject({
      ss_output_name: NAME,
      ss_network_module: 'networks.lora',
      ss_network_dim: '4',
      ss_network_alpha: '1.0',
      ss_base_model_version: 'sd_v1',
      ss_sd_model_name: 'tiny-sd1-diffusers',
      ss_resolution: '(64, 64)',
      ss_steps: '1',
      ss_epoch: '0',
      ss_learning_rate: '0.0001',
      ss_tag_frequency:
        '{"imgs": {"a red square": 1, "tokfox": 3, "a blue square": 1, "a green square": 1}}',
      ss_dataset_dirs: '{"imgs": {"n_repeats": 1, "img_count": 3}}',
      'modelspec.architecture': 'stable-diffusion-v1/lora',
      'modelspec.title': NAME,
    });
    expect(head).toHaveProperty(['lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight']);
    expect(safetensorsHeader(`${ws.out}/${NAME}.safetensors`).__metadata__).toMatchObject({
      ss_steps: '2',
      ss_epoch: '1',
    });
    expect(readFileSync(`${ws.out}/${NAME}-state/train_state.json`, 'utf8')).toBe(
      '{"current_epoch": 1, "current_step": 2}',
    );
    const sample = readdirSync(`${ws.out}/sample`).sort();
    expect(sample[0]).toMatch(new RegExp(`^${NAME}_000001_00_\\d{14}_7\\.png$`));
    const png = readFileSync(`${ws.out}/sample/${sample[0]}`);
    expect(readChunks(png).map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(pngSize(png)).toEqual({ width: 64, height: 64 });
  });

  it('replays the recorded resume (--skip_until_initial_step) byte for byte', async () => {
    const ws = workspace();
    expect((await runFake(argvFor(recorded('train'), ws))).code).toBe(0);
    const rec = recorded('resume');
    const run = await runFake(argvFor(rec, ws));
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(substituted(rec.stdout, ws.root));
    expect(run.stderr).toBe(substituted(rec.stderr, ws.root));
    expect(tree(ws.out)).toEqual(
      rec.tree
        .map((f) =>
          f
            .split('tinylora')
            .join(NAME)
            .replace(/_\d{14}_/, '_STAMP_'),
        )
        .sort(),
    );
    expect(readFileSync(`${ws.out}/${NAME}-state/train_state.json`, 'utf8')).toBe(
      '{"current_epoch": 1, "current_step": 3}',
    );
  });

  it('prints other folders and names where the recording printed its own, wrapped like rich', async () => {
    const rec = recorded('train');
    const ws = workspace();
    const out = `${ws.root}/a-much-longer-output-folder/for the lora`;
    const run = await runFake(
      argvFor(rec, ws, { '--output_dir': out, '--output_name': 'my_style_v2' }),
    );
    expect(run.code).toBe(0);
    const expected = (t: string) =>
      substituted(t, ws.root).split(`${ws.root}/kohya-work/out/${NAME}`).join(`${out}/my_style_v2`);
    expect(run.stdout).toBe(expected(rec.stdout));
    // the same text, laid out again: compare without the layout, and check the layout
    const squash = (t: string) => t.replace(/\s+/g, '');
    expect(squash(run.stderr)).toBe(
      squash(
        squash(substituted(rec.stderr, ws.root))
          .split(squash(`${ws.root}/kohya-work/out/${NAME}`))
          .join(squash(`${out}/my_style_v2`)),
      ),
    );
    for (const line of run.stderr.split('\n')) {
      if (/^( {19}|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) (INFO|WARNING) /.test(line)) {
        expect(line.length).toBe(80);
      }
    }
    expect(run.stderr).toContain('                             lora/my_style_v2-step00000001-s  ');
    expect(existsSync(`${out}/my_style_v2-step00000002-state/train_state.json`)).toBe(true);
  });

  it('keeps the recorded timing, scaled by FAKE_KOHYA_SPEED; FAKE_KOHYA_STEP_MS fixes the step time', async () => {
    const rec = recorded('train');
    const ws = workspace();
    // recorded: first step at 33.8 s, done at 38 s
    const run = await runFake(argvFor(rec, ws), { FAKE_KOHYA_SPEED: '50' });
    const firstStep = run.chunks.find(([, , t]) => t.includes('steps:  50%|'))!;
    expect(firstStep[0]).toBeGreaterThan(33766 / 50 - 50);
    expect(run.ms).toBeGreaterThan(37961 / 50 - 50);
    expect(run.stderr).toBe(substituted(rec.stderr, ws.root));

    const ws2 = workspace();
    const stepRun = await runFake(
      argvFor(rec, ws2, { '--max_train_steps': '4', '--sample_prompts': null }),
      { FAKE_KOHYA_STEP_MS: '150' },
    );
    expect(stepRun.code).toBe(0);
    const at = (k: number) =>
      stepRun.chunks.find(([, , t]) =>
        new RegExp(`steps: +\\d+%\\|[^|]*\\| ${k}/4 \\[`).test(t),
      )![0];
    for (const k of [2, 3, 4]) expect(at(k) - at(k - 1)).toBeGreaterThanOrEqual(140);
    expect(at(1)).toBeGreaterThanOrEqual(140);
    expect(stepRun.ms).toBeLessThan(4 * 150 + 1500);
    expect(stepRun.stderr).toContain('| 4/4 [00:00<00:00,  6.67it/s, avr_loss=');
  });

  it('runs any step count with its own save and sample intervals and several prompts', async () => {
    const rec = recorded('train');
    const ws = workspace();
    writeFileSync(
      `${ws.work}/prompts.txt`,
      'a tokfox portrait --n blurry --w 64 --h 64 --d 7 --l 5 --s 2\n# comment\nsecond, tokfox --w 100 --s 3\n',
    );
    const run = await runFake(
      argvFor(rec, ws, {
        '--max_train_steps': '5',
        '--save_every_n_steps': '2',
        '--sample_every_n_steps': '3',
      }),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('total optimization steps / 学習ステップ数: 5\n');
    expect(run.stdout).toContain('\nepoch 1/2\n');
    expect(run.stdout).toContain('\nepoch 2/2\n');
    expect(run.stdout.match(/saving checkpoint: .*/g)).toEqual([
      `saving checkpoint: ${ws.out}/${NAME}-step00000002.safetensors`,
      `saving checkpoint: ${ws.out}/${NAME}-step00000004.safetensors`,
      `saving checkpoint: ${ws.out}/${NAME}.safetensors`,
    ]);
    expect(run.stderr).toContain('steps:  20%|██        | 1/5 [00:01<00:04,  1.23s/it]');
    expect(run.stderr).toContain('current_epoch: 1, epoch: 2');
    expect(run.stderr).toContain('| 3/3 [00:01<00:00,');
    expect(run.stderr).toContain('steps: 100%|██████████| 5/5 [');
    const files = tree(ws.out).filter((f) => !f.includes('state/'));
    expect(files.filter((f) => !f.startsWith('sample/'))).toEqual([
      `${NAME}-step00000002.safetensors`,
      `${NAME}-step00000004.safetensors`,
      `${NAME}.safetensors`,
    ]);
    expect(files.filter((f) => f.startsWith('sample/'))).toHaveLength(2);
    expect(files).toContain(`sample/${NAME}_000003_00_STAMP_7.png`);
    const second = readdirSync(`${ws.out}/sample`).find((f) => f.includes('_000003_01_'))!;
    expect(second).toMatch(new RegExp(`^${NAME}_000003_01_\\d{14}\\.png$`)); // no --d, no seed
    expect(pngSize(readFileSync(`${ws.out}/sample/${second}`))).toEqual({ width: 96, height: 512 });
    expect(readFileSync(`${ws.out}/${NAME}-state/train_state.json`, 'utf8')).toBe(
      '{"current_epoch": 2, "current_step": 5}',
    );
  });

  it('counts epochs from the dataset for --max_train_epochs and saves per epoch', async () => {
    const rec = recorded('train');
    const ws = workspace();
    const run = await runFake(
      argvFor(rec, ws, {
        '--max_train_steps': null,
        '--max_train_epochs': '2',
        '--save_every_n_steps': null,
        '--save_every_n_epochs': '1',
        '--sample_every_n_steps': null,
      }),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'override steps. steps for 2 epochs is / 指定エポックまでのステップ数: 6\n',
    );
    expect(run.stderr).toContain('saving state at epoch 1');
    expect(tree(ws.out).filter((f) => f.endsWith('.safetensors') && !f.includes('/'))).toEqual([
      `${NAME}-000001.safetensors`,
      `${NAME}.safetensors`,
    ]);
    expect(readFileSync(`${ws.out}/${NAME}-000001-state/train_state.json`, 'utf8')).toBe(
      '{"current_epoch": 1, "current_step": 3}',
    );
  });

  it('restarts at step 0 when --resume comes without --skip_until_initial_step, like kohya', async () => {
    const ws = workspace();
    await runFake(argvFor(recorded('train'), ws));
    const run = await runFake(
      argvFor(recorded('resume'), ws, { '--skip_until_initial_step': null }),
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("te.json: {'current_epoch': 1,");
    expect(run.stderr).not.toContain('skipping');
    expect(run.stderr).toContain('steps:   0%|          | 0/3 [00:00<?, ?it/s]');
    expect(run.stdout.match(/saving checkpoint: .*/g)).toEqual([
      `saving checkpoint: ${ws.out}/${NAME}-step00000001.safetensors`,
      `saving checkpoint: ${ws.out}/${NAME}-step00000002.safetensors`,
      `saving checkpoint: ${ws.out}/${NAME}-step00000003.safetensors`,
      `saving checkpoint: ${ws.out}/${NAME}.safetensors`,
    ]);
    expect(readFileSync(`${ws.out}/${NAME}-state/train_state.json`, 'utf8')).toBe(
      '{"current_epoch": 1, "current_step": 3}',
    );
  });

  it('FAKE_KOHYA_FAIL=oom: a CUDA out-of-memory traceback after the preamble, exit 1', async () => {
    const ws = workspace();
    const run = await runFake(argvFor(recorded('train'), ws), { FAKE_KOHYA_FAIL: 'oom' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('total optimization steps / 学習ステップ数: 2\n');
    expect(run.stderr).toContain(
      'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB. GPU 0 has a total capacity of 7.79 GiB of which 12.50 MiB is free.',
    );
    expect(run.stderr).toMatch(/returned non-zero exit status 1\.\n$/);
    expect(tree(ws.out)).toEqual([]);
  });

  it('FAKE_KOHYA_FAIL=disk: ENOSPC at the first state save, a truncated file left, exit 1', async () => {
    const ws = workspace();
    const run = await runFake(argvFor(recorded('train'), ws), { FAKE_KOHYA_FAIL: 'disk' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('OSError: [Errno 28] No space left on device\n');
    expect(tree(ws.out)).toEqual([
      `${NAME}-step00000001-state/model.safetensors`,
      `${NAME}-step00000001-state/train_state.json`,
      `${NAME}-step00000001.safetensors`,
      `sample/${NAME}_000001_00_STAMP_7.png`,
    ]);
    const partial = readFileSync(`${ws.out}/${NAME}-step00000001-state/model.safetensors`);
    expect(partial.length).toBeLessThan(8 + Number(partial.readBigUInt64LE(0)));
  });

  it('FAKE_KOHYA_FAIL=crash_after_step=N: killed right after step N saved, its files complete', async () => {
    const ws = workspace();
    const run = await runFake(argvFor(recorded('train'), ws), {
      FAKE_KOHYA_FAIL: 'crash_after_step=1',
    });
    expect(run.signal).toBe('SIGKILL');
    expect(run.stderr).toContain('ate/random_states_0.pkl');
    expect(run.stderr).not.toContain('steps: 100%');
    expect(tree(ws.out)).toEqual(
      [
        'model.safetensors',
        'optimizer.bin',
        'random_states_0.pkl',
        'scheduler.bin',
        'train_state.json',
      ]
        .map((f) => `${NAME}-step00000001-state/${f}`)
        .concat([`${NAME}-step00000001.safetensors`, `sample/${NAME}_000001_00_STAMP_7.png`])
        .sort(),
    );
  });

  it('ends at once on SIGTERM, and on SIGINT with a KeyboardInterrupt', async () => {
    const ws = workspace();
    const args = argvFor(recorded('train'), ws);
    const stop = (signal: NodeJS.Signals) =>
      runFake(args, { FAKE_KOHYA_SPEED: '20' }, (fd, text, kill) => {
        if (text.includes('saving state at step 1')) kill(signal);
      });
    const term = await stop('SIGTERM');
    expect(term.signal).toBe('SIGTERM');
    expect(existsSync(`${ws.out}/${NAME}-step00000001.safetensors`)).toBe(true);
    expect(existsSync(`${ws.out}/${NAME}.safetensors`)).toBe(false);
    const ws2 = workspace();
    const int = await runFake(
      argvFor(recorded('train'), ws2),
      { FAKE_KOHYA_SPEED: '20' },
      (fd, text, kill) => {
        if (text.includes('steps:  50%|')) kill('SIGINT');
      },
    );
    expect(int.signal).toBe('SIGINT');
    expect(int.stderr).toMatch(/Traceback \(most recent call last\):\n[\s\S]*KeyboardInterrupt\n$/);
  });

  it('fails like kohya on a missing or incomplete model and a missing dataset config', async () => {
    const rec = recorded('train');
    const ws = workspace();
    const missing = await runFake(
      argvFor(rec, ws, { '--pretrained_model_name_or_path': `${ws.work}/nope` }),
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      `huggingface_hub.errors.HFValidationError: Repo id must be in the form 'repo_name' or 'namespace/repo_name': '${ws.work}/nope'.`,
    );
    expect(missing.stdout).not.toContain('running training');
    mkdirSync(`${ws.work}/empty-model`);
    const empty = await runFake(
      argvFor(rec, ws, { '--pretrained_model_name_or_path': `${ws.work}/empty-model` }),
    );
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('ERROR    model is not found as a file or');
    expect(empty.stderr).toContain(
      `OSError: Error no file named model_index.json found in directory ${ws.work}/empty-model.\n`,
    );
    const noToml = await runFake(argvFor(rec, ws, { '--dataset_config': `${ws.work}/no.toml` }));
    expect(noToml.code).toBe(1);
    expect(noToml.stderr).toContain(
      `ValueError: file not found / ファイルが見つかりません: ${ws.work}/no.toml\n`,
    );
    // a checkpoint file loads the single-file way
    writeFileSync(`${ws.work}/model.safetensors`, 'weights');
    const file = await runFake(
      argvFor(rec, ws, { '--pretrained_model_name_or_path': `${ws.work}/model.safetensors` }),
    );
    expect(file.code).toBe(0);
    expect(file.stderr).toContain('load StableDiffusion checkpoint:');
    expect(file.stderr).toContain('loading u-net: <All keys matched model_util.py:1011');
    expect(file.stderr).not.toContain('Loading pipeline components');
    expect(statSync(`${ws.out}/${NAME}.safetensors`).size).toBeGreaterThan(100);
  });

  it('appends each argv to FAKE_KOHYA_ARGV_LOG', async () => {
    const ws = workspace();
    const log = `${ws.work}/argv.jsonl`;
    const args = argvFor(recorded('train'), ws, { '--sample_prompts': null });
    await runFake(args, { FAKE_KOHYA_ARGV_LOG: log });
    await runFake([...args, '--sdxl_extra', 'x'], { FAKE_KOHYA_ARGV_LOG: log });
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l) as string[])).toEqual([
      args,
      [...args, '--sdxl_extra', 'x'],
    ]);
  });
});
