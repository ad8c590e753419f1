import { describe, expect, it } from 'vitest';
import type { ParamSpec } from '../../../../src-main/core/generate/expand';
import { ex, prompts } from './helpers';

const params = (r: ReturnType<typeof ex>) => r.items.map((i) => i.params);

describe('pipeline parameters (rule 8)', () => {
  it('set a batch parameter and leave the prompt', () => {
    const r = ex('a cat, pipeline:steps:20, pipeline:cfg:7.5, best quality');
    expect(prompts(r)).toEqual(['a cat, best quality']);
    expect(params(r)).toEqual([{ steps: 20, cfg: 7.5 }]);
    expect(r.warnings).toEqual([]);
  });

  it('are per batch, and may sit in the negative', () => {
    const r = ex('a pipeline:steps:10 (&) b', { negative: 'blurry pipeline:cfg:4' });
    expect(params(r)).toEqual([{ steps: 10, cfg: 4 }, { cfg: 4 }]);
    expect(r.items.map((i) => i.negative)).toEqual(['blurry', 'blurry']);
  });

  it('comma lists multiply the items (after the option lists)', () => {
    const r = ex('[cat,dog] pipeline:steps:8,10,20');
    expect(r.items.map((i) => [i.prompt, i.params.steps])).toEqual([
      ['cat', 8],
      ['cat', 10],
      ['cat', 20],
      ['dog', 8],
      ['dog', 10],
      ['dog', 20],
    ]);
    expect(r.batches[0]!.combinations).toBe(6);
  });

  it('integer ranges multiply: inclusive, with a step, descending, mixed with values', () => {
    expect(params(ex('x pipeline:steps:10..13')).map((p) => p.steps)).toEqual([10, 11, 12, 13]);
    expect(params(ex('x pipeline:steps:10..20..5')).map((p) => p.steps)).toEqual([10, 15, 20]);
    expect(params(ex('x pipeline:steps:10..21..5')).map((p) => p.steps)).toEqual([10, 15, 20]);
    expect(params(ex('x pipeline:steps:12..10')).map((p) => p.steps)).toEqual([12, 11, 10]);
    expect(params(ex('x pipeline:steps:4,10..12,30')).map((p) => p.steps)).toEqual([
      4, 10, 11, 12, 30,
    ]);
    expect(params(ex('x pipeline:cfg:3..5')).map((p) => p.cfg)).toEqual([3, 4, 5]);
  });

  it('a range is clipped to the parameter’s range, with a warning', () => {
    const r = ex('x pipeline:steps:0..3');
    expect(params(r).map((p) => p.steps)).toEqual([1, 2, 3]);
    expect(r.warnings).toEqual(["batch 1: steps: '0..3' goes outside 1..200; kept 1..3"]);
    expect(ex('x pipeline:clipskip:20..30').warnings).toEqual([
      "batch 1: clipSkip: '20..30' is outside 1..12; dropped",
    ]);
    expect(ex('x pipeline:sampler:1..3').warnings).toEqual([
      "batch 1: sampler: ranges are for numbers; '1..3' dropped",
    ]);
  });

  it('a huge range stays lazy and stops at the limit', () => {
    const r = ex('x pipeline:seed:1..9000000000000');
    expect(r.total).toBe(100);
    expect(r.batches[0]!.combinations).toBe(9_000_000_000_000);
    expect(r.items[99]!.params.seed).toBe(100);
  });

  it('a|b|c is a seeded random choice per item, not a dimension', () => {
    const r = ex('x [1,2,3] pipeline:sampler:euler|ddim|lcm', { seed: 1 });
    expect(r.total).toBe(3);
    expect(params(r).map((p) => p.sampler)).toEqual(['ddim', 'lcm', 'ddim']);
    expect(
      params(ex('x [1,2,3] pipeline:sampler:euler|ddim|lcm', { seed: 2 })).map((p) => p.sampler),
    ).toEqual(['ddim', 'lcm', 'euler']);
    const seen = new Set<unknown>();
    for (let seed = 0; seed < 30; seed++)
      seen.add(params(ex('x pipeline:steps:10|20', { seed }))[0]!.steps);
    expect([...seen].sort()).toEqual([10, 20]);
  });

  it('escaped commas are literal in a value; a too large number is dropped', () => {
    expect(params(ex('x pipeline:label:a\\,b'))).toEqual([{ label: 'a,b' }]);
    expect(ex('x pipeline:seed:99999999999999999999').warnings).toEqual([
      "batch 1: seed: '99999999999999999999' is too large; dropped",
    ]);
  });

  it('quoted values keep their spaces', () => {
    const r = ex('x pipeline:sampler:"DPM++ 2M","Euler a"');
    expect(params(r).map((p) => p.sampler)).toEqual(['DPM++ 2M', 'Euler a']);
    expect(prompts(r)).toEqual(['x', 'x']);
  });

  it('a repeated key: the last valid one wins, with a warning', () => {
    const r = ex('x pipeline:steps:10 pipeline:STEPS:20 pipeline:steps:many');
    expect(params(r)).toEqual([{ steps: 20 }]);
    expect(r.warnings).toEqual([
      'batch 1: pipeline:steps given more than once; the last (20) wins',
      "batch 1: steps: 'many' is not a whole number; dropped",
    ]);
  });
});

describe('parameter schema (rule 9)', () => {
  it.each([
    ['cfg:7', { cfg: 7 }],
    ['scale:7', { cfg: 7 }],
    ['CFG_Scale:7', { cfg: 7 }],
    ['sampler_name:euler', { sampler: 'euler' }],
    ['Sampler:euler_a', { sampler: 'euler_a' }],
    ['scheduler:karras', { scheduler: 'karras' }],
    ['seed:-1', { seed: -1 }],
    ['w:832', { width: 832 }],
    ['h:1216', { height: 1216 }],
    ['width:832', { width: 832 }],
    ['size:832x1216', { width: 832, height: 1216 }],
    ['size:832×1216', { width: 832, height: 1216 }],
    ['resolution:512X768', { width: 512, height: 768 }],
    ['clipskip:2', { clipSkip: 2 }],
    ['clip_skip:2', { clipSkip: 2 }],
    ['clip-skip:2', { clipSkip: 2 }],
    ['strength:0.6', { strength: 0.6 }],
    ['denoise:.35', { strength: 0.35 }],
    ['denoising_strength:1', { strength: 1 }],
  ])('pipeline:%s', (cmd, want) => {
    const r = ex(`x pipeline:${cmd}`);
    expect(params(r)).toEqual([want]);
    expect(r.warnings).toEqual([]);
  });

  it.each([
    ['steps:many', "steps: 'many' is not a whole number; dropped"],
    ['steps:7.5', "steps: '7.5' is not a whole number; dropped"],
    ['steps:0', 'steps: 0 is below the minimum 1; dropped'],
    ['cfg:lots', "cfg: 'lots' is not a number; dropped"],
    ['cfg:51', 'cfg: 51 is above the maximum 50; dropped'],
    ['steps:201', 'steps: 201 is above the maximum 200; dropped'],
    ['height:8192', 'height: 8192 is above the maximum 4096; dropped'],
    ['strength:1.5', 'strength: 1.5 is above the maximum 1; dropped'],
    ['clipskip:13', 'clipSkip: 13 is above the maximum 12; dropped'],
    ['size:big', "size: 'big' is not a size like 832x1216; dropped"],
    ['size:32x512', 'size: width 32 is below the minimum 64; dropped'],
    ['width:12', 'width: 12 is below the minimum 64; dropped'],
  ])('pipeline:%s is dropped with a warning', (cmd, warning) => {
    const r = ex(`x pipeline:${cmd}`);
    expect(params(r)).toEqual([{}]);
    expect(r.warnings).toEqual([`batch 1: ${warning}`]);
  });

  it('drops only the invalid values of a list', () => {
    const r = ex('x pipeline:steps:8,many,20');
    expect(params(r).map((p) => p.steps)).toEqual([8, 20]);
    expect(r.warnings).toEqual(["batch 1: steps: 'many' is not a whole number; dropped"]);
    expect(params(ex('x pipeline:steps:a|10')).map((p) => p.steps)).toEqual([10]);
  });

  it('an unknown parameter passes through as written, with a warning', () => {
    const r = ex('x pipeline:Vae:sdxl_vae pipeline:eta:0.5 pipeline:frames:1..2');
    expect(params(r)).toEqual([
      { Vae: 'sdxl_vae', eta: 0.5, frames: 1 },
      { Vae: 'sdxl_vae', eta: 0.5, frames: 2 },
    ]);
    expect(r.warnings).toEqual([
      'batch 1: pipeline:Vae is not a known parameter; passed through as written',
      'batch 1: pipeline:eta is not a known parameter; passed through as written',
      'batch 1: pipeline:frames is not a known parameter; passed through as written',
    ]);
  });

  it('a custom schema: enums match case-insensitively to their own spelling', () => {
    const schema: ParamSpec[] = [
      { name: 'sampler', type: 'enum', options: ['Euler a', 'DPM++ 2M'], aliases: ['s'] },
      { name: 'denoise', type: 'float', min: 0, max: 1 },
      { name: 'label', type: 'string' },
    ];
    const r = ex('x pipeline:s:"euler A","dpm++ 2m",heun pipeline:label:hero', { params: schema });
    expect(params(r)).toEqual([
      { sampler: 'Euler a', label: 'hero' },
      { sampler: 'DPM++ 2M', label: 'hero' },
    ]);
    expect(r.warnings).toEqual([
      "batch 1: sampler: 'heun' is not one of Euler a, DPM++ 2M; dropped",
    ]);
  });

  it('a bad spec is skipped with a warning', () => {
    const r = ex('x pipeline:steps:3', { params: [{ name: 'steps' }, null] as never });
    expect(r.warnings).toEqual([
      'a parameter spec is not {name, type}; skipped',
      'batch 1: pipeline:steps is not a known parameter; passed through as written',
    ]);
    expect(params(r)).toEqual([{ steps: 3 }]);
  });

  it('a command must be word-started and key:value shaped', () => {
    expect(prompts(ex('my pipeline: clean, xpipeline:steps:3'))).toEqual([
      'my pipeline: clean, xpipeline:steps:3',
    ]);
  });

  it('does not swallow (&) or ||', () => {
    const r = ex('a pipeline:steps:5(&)b pipeline:steps:6||c');
    expect(r.items.map((i) => [i.prompt, i.params.steps])).toEqual([
      ['a', 5],
      ['b', 6],
      ['c', 6],
    ]);
  });
});
