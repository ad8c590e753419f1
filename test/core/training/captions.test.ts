import { describe, expect, it } from 'vitest';
import {
  captionFrom,
  promptToCaption,
  replaceInCaption,
  tagFrequency,
  withTrigger,
} from '../../../src-main/core/training/datasets/captions';

describe('captions from prompts', () => {
  it('strips LoRA tags, weights, emphasis and BREAK, keeping the words', () => {
    expect(
      promptToCaption(
        '(masterpiece:1.2), ((a fox)), [blurry], <lora:inkwash:0.8>, snow BREAK night sky, (red scarf:0.9)',
      ),
    ).toBe('masterpiece, a fox, blurry, snow, night sky, red scarf');
  });
  it('keeps escaped brackets as text and drops empty and repeated parts', () => {
    expect(promptToCaption('logo \\(v2\\), , fox, Fox,  <lyco:x:1>')).toBe('logo (v2), fox');
  });
  it('puts the trigger token first, once, and renames an old one', () => {
    expect(withTrigger('a fox, tokfox, snow', 'tokfox')).toBe('tokfox, a fox, snow');
    expect(withTrigger('oldtok, a fox', 'newtok', 'oldtok')).toBe('newtok, a fox');
  });
  it('starts from the prompt, the tags, or the trigger alone', () => {
    const asset = { prompt: '(a fox:1.1), <lora:x:1>', tags: ['animal', 'winter'] };
    expect(captionFrom('prompt', asset, 'tok')).toBe('tok, a fox');
    expect(captionFrom('tags', asset, 'tok')).toBe('tok, animal, winter');
    expect(captionFrom('trigger', asset, 'tok')).toBe('tok');
    // No prompt (a photo): its tags are the next best thing.
    expect(captionFrom('prompt', { prompt: null, tags: ['river'] }, 'tok')).toBe('tok, river');
  });
});

describe('find and replace, tag frequency', () => {
  it('replaces text anywhere, or only whole tags', () => {
    const o = { wholeTag: false, caseSensitive: false };
    expect(replaceInCaption('tok, Red fox, red sky', 'red', 'blue', o)).toBe(
      'tok, blue fox, blue sky',
    );
    expect(replaceInCaption('tok, red, red sky', 'red', 'crimson', { ...o, wholeTag: true })).toBe(
      'tok, crimson, red sky',
    );
    // Replacing a tag with one already there leaves it once.
    expect(replaceInCaption('tok, fox, vixen', 'vixen', 'fox', { ...o, wholeTag: true })).toBe(
      'tok, fox',
    );
    expect(replaceInCaption('A.B', '.', '-', o)).toBe('A-B');
  });
  it('counts each tag once per caption, most frequent first', () => {
    expect(tagFrequency(['tok, fox, snow', 'tok, Fox', 'tok, owl, snow, snow'])).toEqual([
      { tag: 'tok', count: 3 },
      { tag: 'fox', count: 2 },
      { tag: 'snow', count: 2 },
      { tag: 'owl', count: 1 },
    ]);
  });
});
