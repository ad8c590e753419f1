import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderApiDocs } from '../../scripts/gen-api-docs';

describe('docs/api.md', () => {
  it('is current with the contract (regenerate with `npm run docs:api`)', () => {
    expect(readFileSync('docs/api.md', 'utf8')).toBe(renderApiDocs());
  });
});
