/**
 * Opt-in: generation through a real ComfyUI server, added as an engine server and driven like a
 * user through the api. Either
 *   ATELIER_COMFYUI_URL=http://127.0.0.1:8188   a running server whose checkpoints hold
 *                                               tiny-sd15.safetensors (or ATELIER_COMFYUI_CHECKPOINT), or
 *   ATELIER_COMFYUI_DIR=/path/ComfyUI ATELIER_COMFYUI_PYTHON=/path/venv/bin/python
 *                                               the suite starts one on a free loopback port with
 *                                               `--cpu`, its own base directory holding the tiny SD15
 *                                               model (shared/engines/comfyui/make-tiny-sd15.mjs, or
 *                                               ATELIER_COMFYUI_MODEL), and stops only that process.
 *
 *   npx vitest run test/engines/comfyui.real.test.ts
 */
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readPngText } from '../../src-main/core/ingest/metadata/pngText';
import { openTestCore, type TestCore } from '../helpers/core';
import {
  fulfilledOrder,
  freePort,
  modelProblem,
  runAll,
  startServer,
  suiteTemp,
  tinyModel,
  type StartedServer,
} from './realEngines';

const givenUrl = process.env.ATELIER_COMFYUI_URL;
const comfyDir = process.env.ATELIER_COMFYUI_DIR;
const python = process.env.ATELIER_COMFYUI_PYTHON;
const checkpoint = process.env.ATELIER_COMFYUI_CHECKPOINT ?? 'tiny-sd15';
const skip = givenUrl
  ? null
  : !comfyDir || !python
    ? 'set ATELIER_COMFYUI_URL to a running ComfyUI, or ATELIER_COMFYUI_DIR and ATELIER_COMFYUI_PYTHON to start one'
    : modelProblem('ATELIER_COMFYUI_MODEL', 'comfyui/make-tiny-sd15.mjs');
if (skip) console.info(`ComfyUI suite skipped: ${skip}`);

describe.skipIf(skip !== null)('real ComfyUI', () => {
  let temp: ReturnType<typeof suiteTemp>;
  let server: StartedServer | undefined;
  let url: string;
  let t: TestCore;

  beforeAll(async () => {
    temp = suiteTemp('atelier-comfyui-real-');
    if (givenUrl) {
      url = givenUrl.replace(/\/+$/, '');
      return;
    }
    // Its own base directory: models, input, output, temp and user data stay in the temp folder.
    const base = path.join(temp.dir, 'base');
    const ckpts = path.join(base, 'models', 'checkpoints');
    for (const d of ['custom_nodes', 'input', 'output', 'temp', 'user'])
      mkdirSync(path.join(base, d), { recursive: true });
    mkdirSync(ckpts, { recursive: true });
    const model = tinyModel(
      'ATELIER_COMFYUI_MODEL',
      'comfyui/make-tiny-sd15.mjs',
      ckpts,
      `${checkpoint}.safetensors`,
    );
    const named = path.join(ckpts, `${checkpoint}.safetensors`);
    if (model !== named) symlinkSync(model, named);
    // No web frontend is needed (its pip package may be absent): an empty folder serves as one.
    const frontend = path.join(temp.dir, 'empty-frontend');
    mkdirSync(frontend, { recursive: true });
    const port = await freePort();
    server = await startServer({
      cmd: python!,
      args: [
        'main.py',
        '--cpu',
        '--listen',
        '127.0.0.1',
        '--port',
        String(port),
        '--front-end-root',
        frontend,
        '--base-directory',
        base,
        '--disable-auto-launch',
        '--database-url',
        'sqlite:///:memory:',
      ],
      cwd: comfyDir,
      port,
      readyPath: '/system_stats',
      log: path.join(temp.dir, 'comfyui.log'),
      timeoutMs: 180_000,
    });
    url = server.url;
    console.info(`ComfyUI ready on ${url} in ${(server.readyMs / 1000).toFixed(1)} s`);
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    temp?.cleanup();
  }, 30_000);

  beforeEach(async () => {
    t = await openTestCore();
  });
  afterEach(() => t.close());

  it('lists its checkpoint, and an order of 2 lands 2 real PNGs with their graph', async () => {
    await t.call('engines.addEndpoint', { kind: 'comfyui', name: 'real', url });
    const health = await t.call('engines.testEndpoint', { kind: 'comfyui', url });
    expect(health.ok, health.problem ?? '').toBe(true);
    const scan = await t.call('models.scan', {});
    expect(scan.serverProblems).toEqual([]);
    const m = await t.call('models.get', { ref: checkpoint });
    expect(m.files.map((f) => f.locationLabel)).toContain("ComfyUI 'real'");

    const order = await t.call('generate.start', {
      model: checkpoint,
      prompt: 'a red fox in the snow',
      negative: 'blurry',
      width: 64,
      height: 64,
      steps: 4,
      cfg: 7,
      seed: 5,
      sampler: 'euler',
      count: 2,
      engine: 'comfyui',
    });
    expect(order.engine).toBe('comfyui');
    const ms = await runAll(t);
    console.info(`ComfyUI: order of 2 at 64x64, 4 steps, ran in ${(ms / 1000).toFixed(1)} s`);
    const done = await fulfilledOrder(t, order.id);
    for (const item of done.items) {
      expect(item.providerRequestId).toBeTruthy();
      expect(item.assetIds).toHaveLength(1);
      const a = await t.call('assets.get', { id: item.assetIds[0]! });
      expect(a.provenance).toBe('ai_generated');
      expect([a.width, a.height]).toEqual([64, 64]);
      // ComfyUI's own `prompt` chunk: the API graph it ran, with this item's seed.
      const texts = (await readPngText(readFileSync(a.path))).texts;
      expect(texts.prompt, 'the PNG prompt chunk').toBeDefined();
      const graph = JSON.parse(texts.prompt!) as Record<
        string,
        { class_type: string; inputs: Record<string, unknown> }
      >;
      const samplers = Object.values(graph).filter((n) => /KSampler/.test(n.class_type));
      expect(samplers.map((n) => n.inputs.seed ?? n.inputs.noise_seed)).toEqual([item.params.seed]);
    }
    expect(done.items.map((i) => i.params.seed)).toEqual([5, 6]);
  }, 300_000);
});
