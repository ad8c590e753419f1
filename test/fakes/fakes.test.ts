// Proves each engine fake reproduces the recordings it is built from: same bytes on stdout/stderr
// (sd-cli), same HTTP responses (sd-server, ComfyUI), same WebSocket frames (ComfyUI), once the
// values that differ on every run (job and prompt ids, timestamps, the fake's own folder and port)
// are set aside.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tempDirsPerTest } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';
import { ComfyFake, RECORDED_GRAPH, recordedScenario } from './comfyFake';
import { readText, size as pngSize } from './png.mjs';
import { SdServerFake } from './sdServerFake';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RECORDINGS = path.join(HERE, '../fixtures/engines/recordings');
const SD_CLI = path.join(HERE, 'sd-cli.mjs');
const tempDir = tempDirsPerTest('atelier-fakes-');

// ---- helpers -----------------------------------------------------------------------------------

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
  /** [ms since spawn, fd, text] of every chunk read. */
  chunks: Array<[number, 1 | 2, string]>;
  ms: number;
}

function runSdCli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(SD_CLI, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const chunks: Run['chunks'] = [];
    child.stdout.on('data', (b: Buffer) => {
      out.push(b);
      chunks.push([Date.now() - t0, 1, b.toString()]);
    });
    child.stderr.on('data', (b: Buffer) => {
      err.push(b);
      chunks.push([Date.now() - t0, 2, b.toString()]);
    });
    child.on('close', (code, signal) =>
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err),
        chunks,
        ms: Date.now() - t0,
      }),
    );
  });
}

function recordedRun(name: string): {
  argv: string[];
  exit: number;
  stdout: Buffer;
  stderr: Buffer;
} {
  const meta = JSON.parse(
    readFileSync(path.join(RECORDINGS, 'sd-cli', `${name}.meta.json`), 'utf8'),
  ) as {
    argv: string[];
    exit_code: number;
  };
  return {
    argv: meta.argv.slice(1),
    exit: meta.exit_code,
    stdout: readFileSync(path.join(RECORDINGS, 'sd-cli', `${name}.stdout`)),
    stderr: readFileSync(path.join(RECORDINGS, 'sd-cli', `${name}.stderr`)),
  };
}

/** A folder laid out like the recording's cwd: the model file and an empty LoRA folder. */
function sdWorkDir(): string {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'tiny-sd1.safetensors'), 'not a real model');
  mkdirSync(path.join(dir, 'loras-empty'));
  return dir;
}

/** One raw HTTP exchange (the recorder's way: Connection: close, read to EOF). */
function exchange(port: number, request: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(request));
    const chunks: Buffer[] = [];
    s.on('data', (c) => chunks.push(c));
    s.on('error', reject);
    s.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

function recordedRequest(
  engine: string,
  file: string,
  port: number,
  subst: Record<string, string> = {},
): Buffer {
  let text = readFileSync(path.join(RECORDINGS, engine, 'http', `${file}.request`), 'latin1');
  text = text.replace(/Host: 127\.0\.0\.1:\d+/, `Host: 127.0.0.1:${port}`);
  for (const [k, v] of Object.entries(subst)) text = text.split(k).join(v);
  return Buffer.from(text, 'latin1');
}
function recordedResponse(engine: string, file: string): string {
  return readFileSync(path.join(RECORDINGS, engine, 'http', `${file}.response`), 'latin1');
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

// ---- sd-cli ------------------------------------------------------------------------------------

describe('sd-cli fake', () => {
  it('replays the recorded 4-step run byte for byte, with its timing, and writes the recorded PNG', async () => {
    const rec = recordedRun('4-steps');
    const dir = sdWorkDir();
    const run = await runSdCli(rec.argv, dir);
    expect(run.code).toBe(rec.exit);
    expect(run.stdout.equals(rec.stdout)).toBe(true);
    expect(run.stderr.equals(rec.stderr)).toBe(true);
    expect(
      readFileSync(path.join(dir, '4-steps.png')).equals(
        readFileSync(path.join(RECORDINGS, 'sd-cli', '4-steps.png')),
      ),
    ).toBe(true);
    // Recorded: first step at 1.37 s, done in 2.65 s.
    const firstStep = run.chunks.find(([, , t]) => t.includes('| 1/4 -'))!;
    expect(firstStep[0]).toBeGreaterThan(1200);
    expect(run.ms).toBeGreaterThan(2500);
  });

  it('replays the missing-LoRA run (a WARN, exit 0, the PNG written with the tag in its parameters)', async () => {
    const rec = recordedRun('4-steps-missing-lora');
    const dir = sdWorkDir();
    const run = await runSdCli(rec.argv, dir, { FAKE_SDCLI_SPEED: '0' });
    expect(run.code).toBe(0);
    expect(run.stdout.equals(rec.stdout)).toBe(true);
    expect(run.stdout.toString()).toContain(
      '[WARN ] common.cpp:2179 - can not found lora loras-empty/nothing\n',
    );
    const params = readText(readFileSync(path.join(dir, 'missing-lora.png'))).parameters!;
    expect(params.split('\n')[0]).toBe('a red fox <lora:nothing:0.5>');
    expect(params).toContain('"positive":"a red fox "');
  });

  it('replays the missing-model run: ERROR lines on stderr, exit 1', async () => {
    const rec = recordedRun('missing-model');
    const run = await runSdCli(rec.argv, tempDir(), { FAKE_SDCLI_SPEED: '0' });
    expect(run.code).toBe(1);
    expect(run.stdout.equals(rec.stdout)).toBe(true);
    expect(run.stderr.equals(rec.stderr)).toBe(true);
  });

  it('names a batch like sd-cli (base_0.png …) with seed + i in each image', async () => {
    const dir = sdWorkDir();
    const run = await runSdCli(
      [
        '-m',
        'tiny-sd1.safetensors',
        '-p',
        'a fox',
        '-W',
        '64',
        '-H',
        '64',
        '-s',
        '7',
        '-b',
        '3',
        '-o',
        'out/base.png',
      ],
      dir,
      {
        FAKE_SDCLI_SPEED: '0',
      },
    );
    expect(run.code).toBe(0);
    expect(readdirSync(path.join(dir, 'out')).sort()).toEqual([
      'base_0.png',
      'base_1.png',
      'base_2.png',
    ]);
    for (let i = 0; i < 3; i++) {
      const params = readText(readFileSync(path.join(dir, 'out', `base_${i}.png`))).parameters!;
      expect(params).toContain(`Seed: ${7 + i}, Size: 64x64`);
    }
    const out = run.stdout.toString();
    expect(out).toContain("save result image 2 to 'out/base_2.png' (success)\n");
    expect(out).toContain('3/3 images saved\n');
    expect(out.match(/generating image: \d\/3 - seed \d+/g)).toEqual([
      'generating image: 1/3 - seed 7',
      'generating image: 2/3 - seed 8',
      'generating image: 3/3 - seed 9',
    ]);
  });

  it('prints progress in the recorded format for any step count, and the requested size and sampler', async () => {
    const dir = sdWorkDir();
    const run = await runSdCli(
      [
        '-m',
        'tiny-sd1.safetensors',
        '-p',
        'x',
        '--steps',
        '6',
        '-W',
        '96',
        '-H',
        '128',
        '--sampling-method',
        'dpm++2m',
        '--scheduler',
        'karras',
        '-o',
        'a.png',
      ],
      dir,
      { FAKE_SDCLI_SPEED: '0' },
    );
    const out = run.stdout.toString();
    const updates = [
      // eslint-disable-next-line no-control-regex
      ...out.matchAll(/\r {2}\|([=> ]{50})\| (\d+)\/(\d+) - ([\d.]+)(s\/it|it\/s)\x1b\[K(\n?)/g),
    ];
    expect(updates.map((m) => `${m[2]}/${m[3]}`)).toEqual([
      '1/6',
      '2/6',
      '3/6',
      '4/6',
      '5/6',
      '6/6',
    ]);
    expect(updates.map((m) => m[6])).toEqual(['', '', '', '', '', '\n']);
    expect(updates[1]![1]).toBe(`${'='.repeat(16)}>${' '.repeat(33)}`);
    expect(updates[5]![1]).toBe('='.repeat(50));
    expect(out).toContain('generate_image 96x128\n');
    expect(out).toContain('get_sigmas with Karras scheduler\n');
    expect(out).toContain('sampling using DPM++ (2M) method\n');
    expect(pngSize(readFileSync(path.join(dir, 'a.png')))).toEqual({ width: 96, height: 128 });
  });

  it('FAKE_SDCLI_STEP_MS fixes the step time and makes the rest instant', async () => {
    const run = await runSdCli(
      ['-m', 'tiny-sd1.safetensors', '-p', 'x', '--steps', '5', '-o', 'a.png'],
      sdWorkDir(),
      {
        FAKE_SDCLI_STEP_MS: '100',
      },
    );
    expect(run.code).toBe(0);
    const steps = run.chunks.filter(([, , t]) => /\| \d\/5 - 10\.00it\/s/.test(t));
    expect(steps.length).toBeGreaterThan(0);
    expect(run.ms).toBeGreaterThanOrEqual(500);
    expect(run.ms).toBeLessThan(2000);
  });

  it('-h prints the real usage text (sampler and scheduler names included) and exits 0', async () => {
    const run = await runSdCli(['-h'], tempDir());
    expect(run.code).toBe(0);
    const help = readFileSync(path.join(HERE, 'sd-cli-help.txt'), 'utf8');
    expect(run.stdout.toString()).toBe(
      help.replace('Usage: sd-cli [options]', `Usage: ${SD_CLI} [options]`),
    );
    const flat = help.replace(/\s+/g, ' ');
    expect(flat).toContain(
      '--sampling-method sampling method, one of [euler, euler_a, heun, dpm2, dpm++2s_a, dpm++2m,',
    );
    expect(flat).toContain(
      '--scheduler denoiser sigma scheduler, one of [discrete, karras, exponential, ays, gits,',
    );
    const version = await runSdCli(['--version'], tempDir());
    expect(version.stdout.toString()).toBe(
      'stable-diffusion.cpp version unknown, commit unknown\n',
    );
  });

  it('refuses bad arguments the way sd-cli does', async () => {
    const unknown = await runSdCli(['-m', 'm', '-p', 'x', '--bogus'], tempDir());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.toString()).toBe(
      '[ERROR] common.cpp:325  - error: unknown argument: --bogus\n',
    );
    expect(unknown.stdout.toString()).toMatch(
      /^stable-diffusion\.cpp version unknown, commit unknown\nUsage: /,
    );
    const sampler = await runSdCli(['-m', 'm', '-p', 'x', '--sampling-method', 'nope'], tempDir());
    expect(sampler.stderr.toString()).toBe(
      '[ERROR] common.cpp:1258 - error: invalid sample method nope\n[ERROR] common.cpp:320  - error: invalid parameter for argument: --sampling-method\n',
    );
    const noModel = await runSdCli(['-p', 'x'], tempDir());
    expect(noModel.stderr.toString()).toBe(
      '[ERROR] common.cpp:742  - error: the following arguments are required: model_path/diffusion_model\n',
    );
  });

  it('writes an MJPG AVI for -M vid_gen, like a build without WebM support', async () => {
    const dir = sdWorkDir();
    const run = await runSdCli(
      [
        '-m',
        'tiny-sd1.safetensors',
        '-p',
        'x',
        '-M',
        'vid_gen',
        '--video-frames',
        '5',
        '--fps',
        '8',
        '-W',
        '64',
        '-H',
        '64',
        '-o',
        'clip.avi',
      ],
      dir,
      {
        FAKE_SDCLI_SPEED: '0',
      },
    );
    expect(run.code).toBe(0);
    expect(run.stdout.toString()).toContain("save result video to 'clip.avi'\n");
    const avi = readFileSync(path.join(dir, 'clip.avi'));
    expect(avi.toString('latin1', 0, 4)).toBe('RIFF');
    expect(avi.readUInt32LE(4)).toBe(avi.length - 8);
    expect(avi.toString('latin1', 8, 12)).toBe('AVI ');
    expect(avi.toString('latin1').match(/00dc/g)!.length).toBe(10); // 5 frames + 5 index entries
  });

  it('ends at once on SIGTERM', async () => {
    const child = spawn(SD_CLI, ['-m', 'tiny-sd1.safetensors', '-p', 'x', '-o', 'a.png'], {
      cwd: sdWorkDir(),
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    await new Promise((r) => child.stdout.once('data', r));
    const t0 = Date.now();
    child.kill('SIGTERM');
    const [, signal] = (await new Promise((r) => child.on('close', (...a) => r(a)))) as [
      number | null,
      string | null,
    ];
    expect(signal).toBe('SIGTERM');
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

// ---- sd-server ----------------------------------------------------------------------------------

describe('sd-server fake', () => {
  let server: SdServerFake | null = null;
  afterEach(async () => {
    await server?.stop();
    server = null;
  });

  it('answers the recorded request sequence with the recorded responses (ids and times aside)', async () => {
    server = await new SdServerFake({ jobMs: 300 }).start();
    const index = JSON.parse(
      readFileSync(path.join(RECORDINGS, 'sd-server/http/index.json'), 'utf8'),
    ) as Array<{
      file: string;
    }>;
    const ids: Record<string, string> = {};
    const norm = (s: string) =>
      s
        .replace(/job_[0-9a-f]+_([0-9a-f]{8})/g, 'job_ID_$1')
        .replace(/"(created|started|completed)":\d+/g, '"$1":T')
        .replace(/Content-Length: \d+/, 'Content-Length: N');
    for (const { file } of index) {
      if (file === '13-job-poll') await new Promise((r) => setTimeout(r, 350)); // the recording polled once a second
      const got = (
        await exchange(server.port, recordedRequest('sd-server', file, server.port, ids))
      ).toString('latin1');
      const want = recordedResponse('sd-server', file);
      expect(norm(got), file).toBe(norm(want));
      const wantId = /"id":"(job_[^"]+)"/.exec(want)?.[1];
      const gotId = /"id":"(job_[^"]+)"/.exec(got)?.[1];
      if (wantId && gotId) ids[wantId] = gotId;
    }
    expect(server.requests).toContain('POST /sdcpp/v1/img_gen');
  });

  it('puts the request into the result image, one image per batch entry', async () => {
    server = await new SdServerFake({ jobMs: 20 }).start();
    const res = await fetch(`${server.url}/sdcpp/v1/img_gen`, {
      method: 'POST',
      body: JSON.stringify({
        prompt: 'a cat',
        width: 128,
        height: 64,
        seed: 11,
        batch_count: 2,
        sample_params: { sample_steps: 6 },
      }),
    });
    expect(res.status).toBe(202);
    expect(res.headers.get('keep-alive')).toBe('timeout=5, max=100');
    const { poll_url } = (await res.json()) as { poll_url: string };
    let job: { status: string; result: { images: Array<{ b64_json: string; index: number }> } };
    do {
      await new Promise((r) => setTimeout(r, 20));
      job = (await (await fetch(server.url + poll_url)).json()) as typeof job;
    } while (job.status !== 'completed');
    expect(job.result.images.map((i) => i.index)).toEqual([0, 1]);
    const png = Buffer.from(job.result.images[1]!.b64_json, 'base64');
    expect(pngSize(png)).toEqual({ width: 128, height: 64 });
    expect(readText(png).parameters).toMatch(/^a cat\nSteps: 6, .* Seed: 12, Size: 128x64, /);
  });

  it('refuses a 65th pending job with 429', async () => {
    server = await new SdServerFake({ jobMs: 60_000 }).start();
    const post = () =>
      fetch(`${server!.url}/sdcpp/v1/img_gen`, { method: 'POST', body: '{"prompt":"x"}' });
    const first = (await (await post()).json()) as { status: string };
    expect(first.status).toBe('generating');
    for (let i = 1; i < 64; i++) expect((await post()).status).toBe(202);
    const full = await post();
    expect(full.status).toBe(429);
    expect(await full.text()).toBe('{"error":"job queue is full"}');
  });

  it('stalls 5 s on a body-less POST without Content-Length, like cpp-httplib', async () => {
    server = await new SdServerFake({ jobMs: 60_000 }).start();
    const t0 = Date.now();
    const got = (
      await exchange(
        server.port,
        Buffer.from(
          `POST /sdcpp/v1/jobs/job_x_00000000/cancel HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
        ),
      )
    ).toString();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(4900);
    expect(got).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
  }, 15_000);
});

// ---- ComfyUI --------------------------------------------------------------------------------------

describe('ComfyUI fake', () => {
  let comfy: ComfyFake | null = null;
  afterEach(async () => {
    await comfy?.stop();
    comfy = null;
  });

  /** What differs between runs: dates, ids, timestamps, the fake's folder and port. */
  const norm = (fake: ComfyFake, s: string) =>
    s
      .replace(/(Date|Last-Modified|Etag): .*\r\n/g, '$1: X\r\n')
      .replace(/Content-Length: \d+/, 'Content-Length: N')
      .split(fake.root)
      .join('/tmp/recorded-engine')
      .replace(`"--port", "${fake.port}"`, '"--port", "41877"')
      .replace(/"timestamp": \d+/g, '"timestamp": T')
      .replace(UUID, 'ID');

  it('answers the recorded informational requests and both 400s with the recorded bytes', async () => {
    comfy = await new ComfyFake().start();
    for (const file of [
      '01-system_stats',
      '02-object_info-CheckpointLoaderSimple',
      '03-object_info-LoraLoader',
      '04-models',
      '05-models-checkpoints',
      '06-models-loras',
      '07-queue-idle',
      '08-prompt-400-no-outputs',
      '09-prompt-400-failed-validation',
    ]) {
      const got = (
        await exchange(comfy.port, recordedRequest('comfyui', file, comfy.port))
      ).toString('latin1');
      expect(norm(comfy, got), file).toBe(norm(comfy, recordedResponse('comfyui', file)));
    }
  });

  /** Runs one recorded scenario the recorder's way; returns the frames and the HTTP answers. */
  async function scenario(
    fake: ComfyFake,
    name: 'success' | 'cached' | 'lora' | 'execution_error' | 'interrupt',
    prompt: string,
  ) {
    const clientId = `atelier-rec-${name}`;
    const ws = new WebSocket(`ws://127.0.0.1:${fake.port}/ws?clientId=${clientId}`);
    const text: string[] = [];
    const binary: Buffer[] = [];
    let promptId = '';
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) return void binary.push(data);
      text.push(data.toString());
      const m = JSON.parse(data.toString()) as { type: string; data: { value?: number } };
      if (name === 'interrupt' && m.type === 'progress' && m.data.value === 1) {
        // The recorder's own request, for this prompt.
        const recordedId = /"prompt_id": "([^"]+)"/.exec(recordedResponse('comfyui', prompt))![1]!;
        void exchange(
          fake.port,
          recordedRequest('comfyui', '21-interrupt-interrupt', fake.port, {
            [recordedId]: promptId,
          }),
        );
      }
    });
    await new Promise((r) => ws.once('message', r));
    const res = await exchange(fake.port, recordedRequest('comfyui', prompt, fake.port));
    promptId = /"prompt_id": "([^"]+)"/.exec(res.toString())![1]!;
    await finished(text, promptId);
    ws.close();
    return { text, binary, promptId, response: res.toString('latin1') };
  }

  it('sends the recorded WebSocket frames for success, cached, LoRA, a corrupt checkpoint and an interrupt', async () => {
    comfy = await new ComfyFake({ imageMs: 150, previews: false }).start();
    const files = {
      success: '10-success-prompt',
      cached: '13-cached-prompt',
      lora: '15-lora-prompt',
      execution_error: '18-execution_error-prompt',
    } as const;
    // As recorded, two refused prompts come first (they use up queue numbers 0 and 1).
    for (const file of ['08-prompt-400-no-outputs', '09-prompt-400-failed-validation']) {
      await exchange(comfy.port, recordedRequest('comfyui', file, comfy.port));
    }
    const ids: Record<string, string> = {};
    for (const [name, file] of Object.entries(files) as Array<[keyof typeof files, string]>) {
      const run = await scenario(comfy, name, file);
      expect(norm(comfy, run.response)).toBe(norm(comfy, recordedResponse('comfyui', file)));
      const recorded = recordedScenario(name).frames;
      expect(
        run.text.map((f) => JSON.parse(f).type),
        name,
      ).toEqual(recorded.map((f) => JSON.parse(f).type));
      expect(
        run.text.map((f) => norm(comfy!, f)),
        name,
      ).toEqual(recorded.map((f) => norm(comfy!, f)));
      const recordedId = /"prompt_id": "([^"]+)"/.exec(recordedResponse('comfyui', file))![1]!;
      ids[recordedId] = run.promptId;
      // The history the recorder fetched right after, and the image it viewed.
      const n = Number(file.slice(0, 2)) + 1;
      const historyFile = readdirSync(path.join(RECORDINGS, 'comfyui/http'))
        .find((f) => f.startsWith(`${n}-`) && f.endsWith('.request'))!
        .replace('.request', '');
      const history = await exchange(
        comfy.port,
        recordedRequest('comfyui', historyFile, comfy.port, ids),
      );
      expect(norm(comfy, history.toString('latin1')), historyFile).toBe(
        norm(comfy, recordedResponse('comfyui', historyFile)),
      );
    }
    const view = await exchange(
      comfy.port,
      recordedRequest('comfyui', '12-success-view', comfy.port),
    );
    expect(norm(comfy, view.toString('latin1'))).toBe(
      norm(comfy, recordedResponse('comfyui', '12-success-view')),
    );

    // Interrupting takes a slower clock: the request has to land within one sampler step.
    comfy.imageMs = 40_000;
    const run = await scenario(comfy, 'interrupt', '20-interrupt-prompt');
    const recorded = recordedScenario('interrupt').frames;
    expect(run.text.map((f) => JSON.parse(f).type)).toEqual(
      recorded.map((f) => JSON.parse(f).type),
    );
    expect(run.text.map((f) => norm(comfy!, f))).toEqual(recorded.map((f) => norm(comfy!, f)));
    const history = await exchange(
      comfy.port,
      recordedRequest('comfyui', '22-interrupt-history', comfy.port, {
        ...ids,
        [/"prompt_id": "([^"]+)"/.exec(recordedResponse('comfyui', '20-interrupt-prompt'))![1]!]:
          run.promptId,
      }),
    );
    expect(norm(comfy, history.toString('latin1'))).toBe(
      norm(comfy, recordedResponse('comfyui', '22-interrupt-history')),
    );
  });

  it('serves the image with the submitted graph in its prompt text, and names outputs PREFIX_00001_.png upward', async () => {
    comfy = await new ComfyFake({ imageMs: 50 }).start();
    const graph = structuredClone(RECORDED_GRAPH);
    graph['9']!.inputs.filename_prefix = 'shots/fox';
    graph['5']!.inputs.batch_size = 2;
    graph['5']!.inputs.width = 128;
    graph['3']!.inputs.seed = 99;
    const run = await submit(comfy, graph, 'c1');
    // One synthesized preview per sampler step, after its `progress` frame.
    expect(run.binary.length).toBe(2);
    expect([...run.binary[0]!.subarray(0, 12)]).toEqual([
      0, 0, 0, 1, 0, 0, 0, 2, 0x89, 0x50, 0x4e, 0x47,
    ]);
    const history = (await (
      await fetch(`${comfy.url}/api/history/${run.promptId}`)
    ).json()) as Record<
      string,
      {
        outputs: Record<
          string,
          { images: Array<{ filename: string; subfolder: string; type: string }> }
        >;
      }
    >;
    const images = history[run.promptId]!.outputs['9']!.images;
    expect(images).toEqual([
      { filename: 'fox_00001_.png', subfolder: 'shots', type: 'output' },
      { filename: 'fox_00002_.png', subfolder: 'shots', type: 'output' },
    ]);
    const png = Buffer.from(
      await (
        await fetch(`${comfy.url}/view?filename=fox_00002_.png&subfolder=shots&type=output`)
      ).arrayBuffer(),
    );
    expect(pngSize(png)).toEqual({ width: 128, height: 64 });
    const text = readText(png);
    expect(Object.keys(text)).toEqual(['prompt']);
    expect((JSON.parse(text.prompt!) as typeof graph)['3']!.inputs.seed).toBe(99);
    // A second run of another graph continues the count.
    graph['3']!.inputs.seed = 100;
    graph['5']!.inputs.batch_size = 1;
    const again = await submit(comfy, graph, 'c1');
    const h2 = (await (
      await fetch(`${comfy.url}/history/${again.promptId}`)
    ).json()) as typeof history;
    expect(h2[again.promptId]!.outputs['9']!.images[0]!.filename).toBe('fox_00003_.png');
    expect(comfy.prompts.map((p) => p.id)).toEqual([run.promptId, again.promptId]);
  });

  it('replays the old file name for an identical graph and writes nothing new', async () => {
    comfy = await new ComfyFake({ imageMs: 50, previews: false }).start();
    const first = await submit(comfy, RECORDED_GRAPH, 'c1');
    const second = await submit(comfy, RECORDED_GRAPH, 'c1');
    expect(second.text.map((f) => JSON.parse(f).type)).toEqual(
      recordedScenario('cached')
        .frames.slice(1)
        .map((f) => JSON.parse(f).type),
    );
    const executed = second.text.map((f) => JSON.parse(f)).find((m) => m.type === 'executed');
    expect(executed.data.output.images[0].filename).toBe('atelier_test_00001_.png');
    expect(readdirSync(comfy.outputDir)).toEqual(['atelier_test_00001_.png']);
    expect(first.promptId).not.toBe(second.promptId);
  });

  it('validates checkpoint names against its own list, in the recorded 400 shape', async () => {
    comfy = await new ComfyFake({ checkpoints: ['a.safetensors', 'b.safetensors'] }).start();
    const graph = structuredClone(RECORDED_GRAPH);
    graph['4']!.inputs.ckpt_name = 'tiny-sd15.safetensors';
    const res = await fetch(`${comfy.url}/prompt`, {
      method: 'POST',
      body: JSON.stringify({ prompt: graph, client_id: 'x' }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe(
      '{"error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation", "details": "", "extra_info": {}}, "node_errors": {"4": {"errors": [{"type": "value_not_in_list", "message": "Value not in list", "details": "ckpt_name: \'tiny-sd15.safetensors\' not in [\'a.safetensors\', \'b.safetensors\']", "extra_info": {"input_name": "ckpt_name", "input_config": [["a.safetensors", "b.safetensors"], {"tooltip": "The name of the checkpoint (model) to load."}], "received_value": "tiny-sd15.safetensors"}}], "dependent_outputs": ["9"], "class_type": "CheckpointLoaderSimple"}}}',
    );
  });

  it('runs one prompt at a time; /queue lists the waiting ones and deletes them', async () => {
    comfy = await new ComfyFake({ imageMs: 400, previews: false }).start();
    const post = async (seed: number) => {
      const g = structuredClone(RECORDED_GRAPH);
      g['3']!.inputs.seed = seed;
      const r = (await (
        await fetch(`${comfy!.url}/prompt`, { method: 'POST', body: JSON.stringify({ prompt: g }) })
      ).json()) as { prompt_id: string };
      return r.prompt_id;
    };
    const a = await post(1);
    const b = await post(2);
    const queue = (await (await fetch(`${comfy.url}/queue`)).json()) as {
      queue_running: unknown[][];
      queue_pending: unknown[][];
    };
    expect(queue.queue_running.map((q) => q[1])).toEqual([a]);
    expect(queue.queue_pending.map((q) => q[1])).toEqual([b]);
    expect(
      (await fetch(`${comfy.url}/queue`, { method: 'POST', body: JSON.stringify({ delete: [b] }) }))
        .status,
    ).toBe(200);
    const after = (await (await fetch(`${comfy.url}/queue`)).json()) as typeof queue;
    expect(after.queue_pending).toEqual([]);
  });

  it('uploads images like server.py, refuses foreign origins, and dies on kill()', async () => {
    comfy = await new ComfyFake().start();
    const form = () => {
      const f = new FormData();
      f.append(
        'image',
        new Blob([readFileSync(path.join(RECORDINGS, 'sd-cli/4-steps.png'))]),
        'init.png',
      );
      return f;
    };
    const up = await fetch(`${comfy.url}/upload/image`, { method: 'POST', body: form() });
    expect(await up.text()).toBe('{"name": "init.png", "subfolder": "", "type": "input"}');
    // Same bytes: the same name; other bytes: "init (1).png".
    expect(
      (
        (await (
          await fetch(`${comfy.url}/upload/image`, { method: 'POST', body: form() })
        ).json()) as { name: string }
      ).name,
    ).toBe('init.png');
    const other = new FormData();
    other.append('image', new Blob([Buffer.from('other')]), 'init.png');
    expect(
      (
        (await (
          await fetch(`${comfy.url}/api/upload/image`, { method: 'POST', body: other })
        ).json()) as { name: string }
      ).name,
    ).toBe('init (1).png');
    expect(existsSync(path.join(comfy.inputDir, 'init (1).png'))).toBe(true);

    const foreign = await exchange(
      comfy.port,
      Buffer.from(
        `GET /queue HTTP/1.1\r\nHost: 127.0.0.1:${comfy.port}\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n`,
      ),
    );
    expect(foreign.toString()).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);

    const ws = new WebSocket(`ws://127.0.0.1:${comfy.port}/api/ws?clientId=k`);
    await new Promise((r) => ws.once('message', r));
    const closed = new Promise((r) => ws.once('close', r));
    comfy.kill();
    await closed;
    const error = await fetch(`${comfy.url}/queue`).then(
      () => null,
      (e: Error & { cause?: { code?: string } }) => e.cause?.code,
    );
    expect(['ECONNREFUSED', 'ECONNRESET']).toContain(error);
  });
});

/** Submits a graph as `clientId` over a fresh WebSocket and waits for the prompt to finish. */
async function submit(fake: ComfyFake, graph: unknown, clientId: string) {
  const ws = new WebSocket(`ws://127.0.0.1:${fake.port}/ws?clientId=${clientId}`);
  const text: string[] = [];
  const binary: Buffer[] = [];
  await new Promise((r) => ws.once('message', r));
  ws.on('message', (data: Buffer, isBinary) => {
    if (isBinary) return void binary.push(data);
    text.push(data.toString());
  });
  const res = (await (
    await fetch(`${fake.url}/prompt`, {
      method: 'POST',
      body: JSON.stringify({ prompt: graph, client_id: clientId }),
    })
  ).json()) as { prompt_id: string };
  const promptId = res.prompt_id;
  await finished(text, promptId);
  ws.close();
  return { text, binary, promptId };
}

/** Waits for the frame that ends a prompt: `executing` with node null. */
async function finished(frames: string[], promptId: string): Promise<void> {
  await waitFor(
    () =>
      frames.some(
        (f) =>
          f.startsWith('{"type": "executing"') &&
          f.includes('"node": null') &&
          f.includes(promptId),
      ),
    30_000,
    `the end of prompt ${promptId}`,
  );
}
