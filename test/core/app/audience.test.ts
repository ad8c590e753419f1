import { describe, expect, it } from 'vitest';
import { visibleTo } from '../../../src-main/core/app/audience';
import type { Caller } from '../../../src-main/core/app/caller';

const mia: Caller = { userId: 'u-mia', role: 'member', name: 'Mia' };
const owner: Caller = { userId: 'u-owner', role: 'owner', name: 'Owner' };

describe('who sees which event', () => {
  it('engine and account events go to managers only; a prompt being enhanced only to whoever asked', () => {
    expect(visibleTo(mia, 'engines.changed')).toBe(false);
    expect(visibleTo(owner, 'engines.changed')).toBe(true);
    expect(visibleTo(mia, 'orders.changed')).toBe(true);
    const delta = { requestId: 'r1', text: 'a fox', userId: 'u-mia' };
    expect(visibleTo(mia, 'assistant.delta', delta)).toBe(true);
    // Not even the owner reads another person's prompt as it is written.
    expect(visibleTo(owner, 'assistant.delta', delta)).toBe(false);
    expect(
      visibleTo({ userId: null, role: 'owner', name: 'local' }, 'assistant.delta', {
        ...delta,
        userId: null,
      }),
    ).toBe(true);
  });
});
