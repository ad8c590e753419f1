import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../src-main/contract/models';
import { defaultForm, type GenerateForm } from '../../src-renderer/src/generate/formLogic';
import {
  applyDefaults,
  defaultsPatch,
  undoDefaults,
  type Edited,
} from '../../src-renderer/src/generate/projectDefaults';

const model = (id: string | null, name: string, kind: ModelInfo['kind'] = 'checkpoint') =>
  ({
    id,
    name,
    kind,
    family: 'sd15',
    triggerWords: [],
    triggerToken: null,
  }) as Partial<ModelInfo> as ModelInfo;
const checkpoints = [model('m-dreamy', 'dreamy-sd15.safetensors'), model(null, 'plain.ckpt')];
const loras = [model('l-ink', 'loras/inkwash.safetensors', 'lora')];

const form = (patch: Partial<GenerateForm> = {}): GenerateForm => ({
  ...defaultForm,
  model: 'plain.ckpt',
  prompt: 'a harbour',
  ...patch,
});

const autumn = {
  id: 'p-autumn',
  name: 'Autumn',
  defaultModel: { id: 'm-dreamy', name: 'dreamy-sd15.safetensors' },
  defaultParams: { steps: 30, cfg_scale: '5.5', 'Negative prompt': 'blurry', size: '512x768' },
};

describe('a project’s defaults in the Generate form', () => {
  it('reads the model and the parameters the form understands, by their usual names', () => {
    expect(defaultsPatch(autumn, checkpoints, loras)).toEqual({
      model: 'm-dreamy',
      steps: 30,
      cfg: 5.5,
      negative: 'blurry',
      width: 512,
      height: 768,
    });
    const p = defaultsPatch(
      {
        defaultModel: null,
        defaultParams: {
          sampler_name: 'euler_a',
          clipSkip: 2,
          seedMode: 'fixed',
          loras: [{ model: 'inkwash', weight: 0.7 }, 'unknown-lora'],
          prompt: 'not a default',
          steps: 'many',
          seedMode2: 'x',
        },
      },
      checkpoints,
      loras,
    );
    expect(p).toMatchObject({ sampler: 'euler_a', clipSkip: 2, seedMode: 'fixed' });
    expect(p).not.toHaveProperty('steps');
    expect(p).not.toHaveProperty('prompt');
    expect(p.loras?.map((l) => [l.ref, l.weight, l.missing])).toEqual([
      ['l-ink', 0.7, false],
      ['unknown-lora', 1, true],
    ]);
    // A model not listed here is sent by its id; nothing at all is an empty patch.
    expect(
      defaultsPatch(
        { defaultModel: { id: 'm-gone', name: 'gone' }, defaultParams: null },
        [],
        null,
      ),
    ).toEqual({ model: 'm-gone' });
    expect(defaultsPatch({ defaultModel: null, defaultParams: null }, checkpoints, loras)).toEqual(
      {},
    );
  });

  it('fills the fields the creator has not changed, keeps the ones they have, and undoes', () => {
    const start = form({ steps: 25, negative: 'my own' });
    const edited: Edited = { negative: true };
    const wanted = defaultsPatch(autumn, checkpoints, loras);
    const { form: after, applied } = applyDefaults(start, edited, null, autumn, wanted);
    expect(after).toMatchObject({
      model: 'm-dreamy',
      steps: 30,
      cfg: 5.5,
      negative: 'my own',
      width: 512,
      height: 768,
      prompt: 'a harbour',
    });
    expect(applied).toMatchObject({
      projectId: 'p-autumn',
      projectName: 'Autumn',
      kept: ['negative'],
      before: { model: 'plain.ckpt', steps: 25, cfg: 7, width: 512, height: 512 },
    });
    // Undo: back to before, except what the creator changed after the apply.
    const undone = undoDefaults({ ...after, cfg: 9 }, applied!, { cfg: true });
    expect(undone).toEqual({ ...start, cfg: 9 });
  });

  it('takes back one project’s defaults before another’s, and Undo returns to before both', () => {
    const start = form();
    const a = applyDefaults(start, {}, null, autumn, defaultsPatch(autumn, checkpoints, loras));
    const spring = {
      id: 'p-spring',
      name: 'Spring',
      defaultModel: null,
      defaultParams: { steps: 12 },
    };
    // The creator changed the CFG after Autumn's apply: it stays theirs.
    const edited: Edited = { cfg: true };
    const b = applyDefaults(
      { ...a.form, cfg: 8 },
      edited,
      a.applied,
      spring,
      defaultsPatch(spring, checkpoints, loras),
    );
    expect(b.form).toMatchObject({
      model: 'plain.ckpt',
      steps: 12,
      cfg: 8,
      negative: '',
      width: 512,
      height: 512,
    });
    expect(b.applied).toMatchObject({ projectName: 'Spring', set: { steps: 12 }, kept: [] });
    expect(undoDefaults(b.form, b.applied!, {})).toEqual({ ...start, cfg: 8 });

    // A project without defaults only takes the last one's back.
    const none = applyDefaults(a.form, {}, a.applied, { id: 'p0', name: 'Bare' }, {});
    expect(none).toEqual({ form: start, applied: null });
  });

  it('says so when every default lost to the creator’s own values', () => {
    const r = applyDefaults(
      form({ steps: 40 }),
      { steps: true },
      null,
      { id: 'p', name: 'P' },
      { steps: 30 },
    );
    expect(r.applied).toMatchObject({ set: {}, kept: ['steps'] });
    // The same value is not "kept over" the default.
    expect(
      applyDefaults(
        form({ steps: 30 }),
        { steps: true },
        null,
        { id: 'p', name: 'P' },
        { steps: 30 },
      ).applied,
    ).toBeNull();
  });
});
