import { describe, expect, it } from 'vitest';
import type { GenerationInfo } from '../../src-main/contract/library';
import { parseA1111 } from '../../src-main/core/ingest/metadata/dialects';
import {
  formatParameters,
  generationFacts,
  hasGeneration,
} from '../../src-renderer/src/library/a1111';

const gen = (over: Partial<GenerationInfo> = {}): GenerationInfo => ({
  tool: 'AUTOMATIC1111',
  prompt: 'a fox in a misty forest',
  negativePrompt: 'blurry, lowres',
  seed: '1234',
  steps: 28,
  sampler: 'DPM++ 2M Karras',
  cfg: 6.5,
  width: 832,
  height: 1216,
  model: 'sdxl_base_1.0',
  modelHash: '31e35c80fc',
  loras: [],
  extra: {},
  ...over,
});

const detail = (g: GenerationInfo | null, over = {}) => ({
  prompt: g?.prompt ?? null,
  negativePrompt: g?.negativePrompt ?? null,
  seed: g?.seed ?? null,
  model: g?.model ?? null,
  modelHash: g?.modelHash ?? null,
  width: 832,
  height: 1216,
  generation: g,
  ...over,
});

describe('Copy all parameters (A1111 format)', () => {
  it('writes the prompt, the Negative prompt line, then the pairs in A1111 order', () => {
    expect(formatParameters(detail(gen()))).toBe(
      [
        'a fox in a misty forest',
        'Negative prompt: blurry, lowres',
        'Steps: 28, Sampler: DPM++ 2M Karras, CFG scale: 6.5, Seed: 1234, Size: 832x1216, Model hash: 31e35c80fc, Model: sdxl_base_1.0',
      ].join('\n'),
    );
  });

  it('round-trips through the ingest parser, extras and LoRAs included', () => {
    const g = gen({
      prompt: 'neon city, <lora:glow:0.8>',
      loras: [
        { name: 'glow', weight: 0.8 },
        { name: 'film', weight: 0.5 },
      ],
      extra: { 'Clip skip': '2', 'Schedule type': 'Karras' },
    });
    const text = formatParameters(detail(g));
    expect(text.split('\n')[0]).toBe('neon city, <lora:glow:0.8> <lora:film:0.5>');
    const back = parseA1111(text)!;
    expect(back).toMatchObject({
      seed: '1234',
      steps: 28,
      sampler: 'DPM++ 2M Karras',
      cfg: 6.5,
      width: 832,
      height: 1216,
      model: 'sdxl_base_1.0',
      negativePrompt: 'blurry, lowres',
    });
    expect(back.loras.map((l) => l.name).sort()).toEqual(['film', 'glow']);
    expect(back.extra).toMatchObject({ 'Clip skip': '2', 'Schedule type': 'Karras' });
  });

  it('quotes values with commas or colons, leaves out what is unknown and skips ComfyUI extras', () => {
    const g = gen({
      tool: 'ComfyUI',
      negativePrompt: null,
      steps: null,
      cfg: null,
      sampler: 'euler, ancestral',
      modelHash: null,
      extra: { workflow: '{"nodes":[]}' },
    });
    expect(formatParameters(detail(g))).toBe(
      'a fox in a misty forest\nSampler: "euler, ancestral", Seed: 1234, Size: 832x1216, Model: sdxl_base_1.0',
    );
  });

  it('works from the asset columns alone when no generation block was parsed', () => {
    const d = detail(null, { prompt: 'castle', seed: '7', model: 'flux1-dev' });
    expect(formatParameters(d)).toBe('castle\nSeed: 7, Size: 832x1216, Model: flux1-dev');
    expect(generationFacts(d)).toEqual([
      ['Model', 'flux1-dev'],
      ['Seed', '7'],
      ['Size', '832×1216'],
    ]);
    expect(hasGeneration({ ...d, provenance: 'ai_generated' })).toBe(true);
    expect(hasGeneration({ ...detail(null), provenance: 'user_provided' })).toBe(false);
  });
});
