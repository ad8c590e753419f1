import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  GenerationTemplateInfo,
  LookupInfo,
  NegativePresetInfo,
  OrderPreview,
  WorkspaceItemInfo,
  WorkspaceSessionInfo,
} from '../../src-main/contract/batches';
import type { OrderDetail, OrderSummary } from '../../src-main/contract/generate';
import type { AssetDetail } from '../../src-main/contract/library';
import { sdCliWithSwitch, writeCheckpoint } from './support/generateWorld';
import { shootAll, shotsDir } from './support/screens';
import { serveWithBrowser } from './support/session';

/**
 * Batches that write themselves, in the browser: a lookup made on the Lookups page, a prompt
 * that expands as it is typed, an order sent to the Workspace, kept and discarded there, the
 * kept images found in the Library; a template saved from the order and applied again.
 */
const e2e = serveWithBrowser();
const api = e2e.api;
let page: Page;
let sdcli: ReturnType<typeof sdCliWithSwitch>;
const errors: string[] = [];
/** The workspace order made in the second test, used by the ones after it. */
let order: OrderDetail;
let kept: string[] = [];

const PROMPT = 'a [cat,dog] in [colour]';
const poll = <T>(fn: () => T | Promise<T>, timeout = 20_000) =>
  expect.poll(fn, { timeout, interval: 50 });
const tid = (id: string) => page.getByTestId(id);
const nav = (name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: true });
const wsItems = () => page.locator('[data-testid=ws-item]');

beforeAll(async () => {
  mkdirSync(shotsDir, { recursive: true });
  writeCheckpoint(e2e.serve.dataDir, 'dreamy-sd15');
  sdcli = sdCliWithSwitch(e2e.serve.root);
  sdcli.setEnv({ FAKE_SDCLI_SPEED: 0 });
  await api('engines.update', { sdcppPath: sdcli.path });
  await api('models.scan', {});
  page = await e2e.browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(e2e.serve.openUrl);
});
afterAll(async () => {
  await page?.close();
});

describe('Batches in the browser', () => {
  it('the Lookups page makes a lookup and a negative preset, imports a wildcard folder; the Workspace starts empty', async () => {
    // Nothing staged yet: the Workspace says how to send an order there.
    await nav('Workspace').click();
    await tid('ws-empty').waitFor();
    expect(await tid('ws-empty').textContent()).toMatch(/Send to: Workspace/);

    await nav('Lookups').click();
    await tid('lookups-page').waitFor();
    await tid('lookups-new').click();
    await tid('lookup-editor').waitFor();
    await tid('lookup-name').fill('colour');
    await tid('lookup-values').fill('red\nblue\n');
    expect(await tid('lookup-editor').textContent()).toContain('2 values');
    await tid('lookup-description').fill('Colours a prompt draws from');
    await tid('lookup-category').fill('basics');
    await tid('lookup-save').click();
    const row = page.locator('[data-testid=lookup-row][data-key=colour]');
    await row.waitFor();
    expect(await row.textContent()).toMatch(
      /\[colour\]\s*2\s*red, blue\s*basics\s*Colours a prompt draws from/,
    );
    const colour = await api<LookupInfo>('lookups.get', { key: 'colour' });
    expect(colour).toMatchObject({
      values: ['red', 'blue'],
      category: 'basics',
      description: 'Colours a prompt draws from',
      system: false,
    });
    // A name with a space is refused before a round trip.
    await tid('lookups-new').click();
    await tid('lookup-name').fill('two words');
    await tid('lookup-values').fill('x');
    expect(await tid('lookup-editor').textContent()).toContain('Letters, digits, - and _ only');
    expect(await tid('lookup-save').isDisabled()).toBe(true);
    await tid('lookup-editor').getByRole('button', { name: 'Close the editor' }).click();

    // A wildcard folder: two lists, an empty file, a list in a subfolder.
    const dir = path.join(e2e.serve.root, 'wildcards');
    mkdirSync(path.join(dir, 'outfits'), { recursive: true });
    writeFileSync(path.join(dir, 'animal.txt'), '# animals\ncat\ndog\nfox\n');
    writeFileSync(path.join(dir, 'empty.txt'), '\n# nothing\n');
    writeFileSync(path.join(dir, 'outfits', 'hat.txt'), 'beret\nfedora\n');
    await tid('lookups-import').click();
    await tid('lookups-import-dialog').waitFor();
    await tid('lookups-import-dir').fill(dir);
    await tid('lookups-import-run').click();
    const result = tid('lookups-import-result');
    await poll(() => result.textContent()).toMatch(/^Imported 2, skipped 0, 1 with problems\./);
    expect(await result.textContent()).toContain('[animal]');
    expect(await result.textContent()).toContain('[outfits_hat]');
    expect(await result.textContent()).toMatch(/empty\.txt.*no values/);
    // Again, without replacing: both are skipped.
    await tid('lookups-import-run').click();
    await poll(() => result.textContent()).toMatch(/^Imported 0, skipped 2, 1 with problems\./);
    await page.keyboard.press('Escape');
    await poll(() => tid('lookups-import-dialog').count()).toBe(0);
    await poll(() => page.locator('[data-testid=lookup-row]').count()).toBe(3);
    // Search narrows the table.
    await tid('lookups-search').fill('colour');
    await poll(() => page.locator('[data-testid=lookup-row]').count()).toBe(1);
    await tid('lookups-search').fill('');
    await poll(() => page.locator('[data-testid=lookup-row]').count()).toBe(3);

    // A negative preset for SD 1.5.
    await page.locator('[data-testid=lookups-tab][data-tab=presets]').click();
    await tid('preset-new').click();
    await tid('preset-name').fill('Clean');
    await tid('preset-family').selectOption({ label: 'SD 1.5' });
    await tid('preset-text').fill('watermark, blurry');
    await tid('preset-priority').fill('5');
    await tid('preset-save').click();
    await poll(() => page.locator('[data-testid=preset-row]').count()).toBe(1);
    const presets = await api<NegativePresetInfo[]>('negativePresets.list', {});
    expect(presets).toMatchObject([
      {
        name: 'Clean',
        family: 'sd15',
        contentMode: 'sfw',
        text: 'watermark, blurry',
        priority: 5,
        active: true,
      },
    ]);
    expect(await page.locator('[data-testid=preset-row]').textContent()).toMatch(
      /Clean\s*SD 1\.5\s*Safe for work\s*5\s*watermark, blurry\s*On/,
    );

    await shootAll(page, 'lookups-presets');

    // Screens: the lookups with one open in the editor.
    await page.locator('[data-testid=lookups-tab][data-tab=lookups]').click();
    await row.click();
    await poll(() => tid('lookup-name').inputValue()).toBe('colour');
    await shootAll(page, 'lookups');
    expect(errors).toEqual([]);
  });

  it('Generate shows the expansion as the prompt is typed (count, first prompt, presets), and sends 4 images to the Workspace', async () => {
    await nav('Generate').click();
    await tid('generate-page').waitFor();
    const model = tid('gen-model');
    await poll(() => model.locator('option', { hasText: 'dreamy-sd15' }).count()).toBe(1);
    await model.selectOption({ label: 'dreamy-sd15' });
    await tid('gen-seed').fill('42');

    // A plain prompt: nothing extra under it.
    await tid('gen-prompt').fill('a quiet harbour');
    await poll(() => tid('gen-presets-chip').textContent()).toBe('+ 1 preset');
    expect(await tid('gen-preview').count()).toBe(0);

    // Typed, as a person would: the preview follows each pause.
    await tid('gen-prompt').fill('');
    await tid('gen-prompt').pressSequentially(PROMPT, { delay: 5 });
    await poll(() => tid('gen-preview-count').textContent()).toBe('2 images');
    const server = await api<OrderPreview>('orders.preview', {
      prompt: PROMPT,
      seed: 42,
      family: 'sd15',
    });
    expect(server.total).toBe(2);
    const first = server.batches[0]!.first!.prompt;
    expect(first).toMatch(/^a cat in (red|blue)$/);
    expect(await tid('gen-preview-prompt').allTextContents()).toEqual([first]);
    expect(await tid('gen-preview-batch').textContent()).toBe(`First · 2${first}`);
    expect(server.negativePresets).toEqual(['watermark, blurry']);

    // Two of each: the count says how it multiplies, and so does Generate.
    await tid('gen-count').fill('2');
    await poll(() => tid('gen-preview-count').textContent()).toBe('2 prompts × 2 = 4 images');
    expect(await tid('gen-generate').textContent()).toBe('Generate 4 images');

    // The presets: a chip with what is appended, and the switch that leaves them out.
    const chip = tid('gen-presets-chip');
    await chip.hover();
    await poll(() => tid('gen-presets-tip').isVisible()).toBe(true);
    expect(await tid('gen-presets-tip').textContent()).toContain('watermark, blurry');
    await tid('gen-presets-toggle').uncheck();
    await poll(() => chip.count()).toBe(0);
    await tid('gen-presets-toggle').check();
    await poll(() => chip.count()).toBe(1);

    // Where the images go: the Library unless the switch says Workspace.
    expect(await tid('gen-destination-library').isChecked()).toBe(true);
    await tid('gen-destination-workspace').check();
    expect(await tid('gen-destination-workspace').isChecked()).toBe(true);

    await tid('gen-generate').click();
    const summary = tid('gen-confirm-summary');
    await poll(() => summary.textContent()).toMatch(
      /^4 images · 512×512 · dreamy-sd15 · on stable-diffusion\.cpp on this computer/,
    );
    const confirm = await tid('gen-confirm').textContent();
    expect(confirm).toContain('Expanded from the prompt: 2 prompts × 2 images each');
    expect(confirm).toContain('To the Workspace');
    expect(confirm).toContain('Negative presets appended: 1');
    expect(confirm).toContain('Seed 42–45');
    await tid('gen-queue').click();

    const card = tid('order-card').first();
    await card.waitFor();
    const id = (await card.getAttribute('data-order-id'))!;
    await poll(() => card.getAttribute('data-status'), 30_000).toBe('fulfilled');
    order = await api<OrderDetail>('orders.get', { id });
    expect(order).toMatchObject({
      destination: 'workspace',
      itemCount: 4,
      completeCount: 4,
      sourcePrompt: PROMPT,
      workspaceSessionId: expect.any(String),
    });
    const prompts = order.items.map((i) => i.params.prompt);
    expect(prompts.slice(0, 2).every((p) => /^a cat in (red|blue)$/.test(p))).toBe(true);
    expect(prompts.slice(2).every((p) => /^a dog in (red|blue)$/.test(p))).toBe(true);
    expect(prompts[0]).toBe(first);
    for (const it of order.items) {
      expect(it.params.negative).toContain('watermark, blurry');
      expect(it.assetIds).toEqual([]);
      expect(it.workspaceItemIds).toHaveLength(1);
    }
    // Nothing reached the Library; the card shows the staged images and where they are.
    expect((await api<{ total: number }>('library.counts', {})).total).toBe(0);
    await poll(() =>
      card
        .locator('[data-testid=order-item-open-workspace] img')
        .evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth > 0)),
    ).toEqual([true, true, true, true]);
    expect(await card.getByTestId('order-open-workspace').textContent()).toBe('In the Workspace');
    expect(errors).toEqual([]);
  });

  it('the Workspace shows the session; two are kept with a tag (Space, arrows, Keep selected), the rest discarded (X, Discard selected); the Library has the kept ones', async () => {
    const sessionId = order.workspaceSessionId!;
    await tid('order-open-workspace').first().click();
    await tid('workspace-page').waitFor();
    const session = page.locator(`[data-testid=ws-session][data-session-id="${sessionId}"]`);
    await poll(() => session.getAttribute('aria-pressed')).toBe('true');
    expect(await session.getByTestId('ws-session-counts').textContent()).toBe('4 waiting');
    await poll(() => wsItems().count()).toBe(4);
    await poll(() =>
      tid('ws-item-thumb').evaluateAll((imgs) =>
        imgs.map((i) => (i as HTMLImageElement).naturalWidth > 0),
      ),
    ).toEqual([true, true, true, true]);
    expect(await tid('ws-item-expires').allTextContents()).toEqual(
      Array(4).fill('expires in 7 days'),
    );
    const staged = await api<WorkspaceItemInfo[]>('workspace.items', { sessionId });
    expect(staged.map((i) => i.id)).toEqual(order.items.map((i) => i.workspaceItemIds[0]));
    expect(
      await wsItems().evaluateAll((els) => els.map((e) => e.getAttribute('data-item-id'))),
    ).toEqual(staged.map((i) => i.id));

    // The first two (the cats): a click selects the first, → and Space the second.
    await wsItems().nth(0).click();
    await page.keyboard.press('ArrowRight');
    await poll(() => wsItems().nth(1).getAttribute('data-focused')).toBe('true');
    await page.keyboard.press(' ');
    await poll(() => tid('ws-selection').textContent()).toBe('2 selected');
    expect(
      await wsItems().evaluateAll((els) => els.map((e) => e.getAttribute('aria-selected'))),
    ).toEqual(['true', 'true', 'false', 'false']);
    expect(await tid('ws-detail-prompt').textContent()).toBe(staged[1]!.prompt);
    await page.mouse.move(0, 0);
    await shootAll(page, 'workspace');

    await tid('ws-keep-selected').click();
    await tid('ws-keep-dialog').waitFor();
    await tid('ws-keep-tags').fill('harbour-keep, batch');
    expect(await tid('ws-keep-dialog').textContent()).toContain('2 tags: harbour-keep · batch');
    await tid('ws-keep-confirm').click();
    await poll(() => tid('ws-keep-dialog').count()).toBe(0);
    await poll(() => wsItems().count()).toBe(2);
    await poll(() => session.getByTestId('ws-session-counts').textContent()).toBe(
      '2 waiting · 2 kept',
    );

    // X discards the focused one; the last goes by Discard selected, after its question.
    await wsItems().nth(0).click();
    await page.keyboard.press('Escape');
    await poll(() => tid('ws-selection').textContent()).toBe('None selected');
    await page.keyboard.press('x');
    await poll(() => wsItems().count()).toBe(1);
    await tid('ws-select-all').click();
    await tid('ws-discard-selected').click();
    await tid('ws-discard-dialog').waitFor();
    await tid('ws-discard-confirm').click();
    await poll(() => tid('ws-session-empty').textContent()).toBe(
      'Every image of this session has been kept or discarded.',
    );
    await poll(() => session.getByTestId('ws-session-counts').textContent()).toBe(
      '0 waiting · 2 kept · 2 discarded',
    );

    // Through the api: two kept (assets now), two discarded, and no staged file left on disk.
    const all = await api<WorkspaceItemInfo[]>('workspace.items', { sessionId, status: 'all' });
    expect(all.map((i) => i.status)).toEqual(['kept', 'kept', 'discarded', 'discarded']);
    const discarded = await api<WorkspaceItemInfo[]>('workspace.items', {
      sessionId,
      status: 'discarded',
    });
    expect(discarded.map((i) => i.id)).toEqual(all.slice(2).map((i) => i.id));
    expect(discarded.every((i) => i.thumb === null && i.assetId === null)).toBe(true);
    const wsDir = path.join(e2e.serve.dataDir, 'workspace', sessionId);
    const left = existsSync(wsDir) ? readdirSync(wsDir) : [];
    expect(left).toEqual([]);
    kept = all.slice(0, 2).map((i) => i.assetId!);
    const sessions = await api<WorkspaceSessionInfo[]>('workspace.sessions', {});
    expect(sessions.find((s) => s.id === sessionId)).toMatchObject({
      staged: 0,
      kept: 2,
      discarded: 2,
    });

    // The kept ones in the Library, found by their prompt, with the tags given at keep time.
    const assets = await Promise.all(kept.map((id) => api<AssetDetail>('assets.get', { id })));
    for (const [i, a] of assets.entries()) {
      expect(a.prompt).toBe(all[i]!.prompt);
      expect(a.missing).toBe(false);
      expect(existsSync(a.path)).toBe(true);
      const rel = await api<{ tags: { name: string }[] }>('library.relations', { id: a.id });
      expect(rel.tags.map((t) => t.name).sort()).toEqual(['batch', 'harbour-keep']);
    }
    await nav('Library').click();
    await tid('library-search').fill('cat');
    const cards = page.locator('[data-testid=lib-card]');
    await poll(() =>
      cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')).sort()),
    ).toEqual([...kept].sort());
    await cards.first().click();
    const detail = tid('detail-panel');
    await poll(() => detail.textContent()).toMatch(/a cat in (red|blue)/);
    expect(await detail.textContent()).toContain('harbour-keep');
    expect(errors).toEqual([]);
  });

  it('a prompt whose batches do not pair up shows the server’s error and Generate is off', async () => {
    await nav('Generate').click();
    await tid('generate-page').waitFor();
    await tid('gen-prompt').fill('a (&) b');
    await tid('gen-negative').fill('x (&) y (&) z');
    const server = await api<OrderPreview>('orders.preview', {
      prompt: 'a (&) b',
      negative: 'x (&) y (&) z',
    });
    expect(server.ok).toBe(false);
    expect(server.errors).toEqual([
      '2 prompt batches but 3 negative batches: give one negative for all, or one per batch',
    ]);
    await poll(() => tid('gen-preview-error').allTextContents()).toEqual(server.errors);
    expect(await tid('gen-generate').isDisabled()).toBe(true);
    expect(await tid('gen-blocked').textContent()).toBe(
      'The prompt does not expand: see the errors under it.',
    );
    expect(await tid('gen-preview-count').count()).toBe(0);
    // Ctrl+Enter does not slip past it.
    await tid('gen-prompt').press('Control+Enter');
    expect(await tid('gen-confirm').count()).toBe(0);
    // A warning (the server's words) does not stop the order; a dry run does.
    await tid('gen-negative').fill('');
    await tid('gen-prompt').fill('a [cat,dog');
    await poll(() => tid('gen-preview-warning').allTextContents()).toEqual([
      "batch 1: a '[' or ']' has no partner; left as text (write \\[ or \\] for one)",
    ]);
    expect(await tid('gen-preview-count').textContent()).toBe('1 prompt × 2 = 2 images');
    expect(await tid('gen-generate').isEnabled()).toBe(true);
    await tid('gen-prompt').fill('meta:debug:dryrun a [b,c]');
    await poll(() => tid('gen-blocked').textContent()).toBe(
      'This prompt asks for a dry run (meta:debug:dryrun): it is only previewed.',
    );
    expect(await tid('gen-preview').textContent()).toContain('dry run');
    expect(await tid('gen-generate').isDisabled()).toBe(true);

    // One negative serves both batches: it expands again.
    await tid('gen-prompt').fill('a (&) b');
    await tid('gen-negative').fill('x');
    await poll(() => tid('gen-preview-count').textContent()).toBe(
      '2 batches · 2 prompts × 2 = 4 images',
    );
    expect(await tid('gen-generate').isEnabled()).toBe(true);

    // Screens: three batches, each with its first prompt, beside the workspace order's card.
    await tid('gen-prompt').fill(
      'a [cat,dog] in [colour], watercolor (&) a [red,blue] boat at dusk, 35mm (&) portrait of an [owl,fox,hare], soft light',
    );
    await tid('gen-negative').fill('lowres');
    await poll(() => tid('gen-preview-count').textContent()).toBe(
      '3 batches · 7 prompts × 2 = 14 images',
    );
    expect(await tid('gen-preview-batch').allTextContents()).toEqual([
      expect.stringMatching(/^Batch 1 · 2a cat in (red|blue), watercolor$/),
      'Batch 2 · 2a red boat at dusk, 35mm',
      'Batch 3 · 3portrait of an owl, soft light',
    ]);
    await page.mouse.move(0, 0);
    await shootAll(page, 'generate-preview', {
      scrollTop: false,
      // The prompt and its preview at the top of the form, as one sees them while typing.
      prepare: () =>
        page.evaluate(() => {
          const scroller = document.querySelector('.gen-form-scroll')!;
          const field = document.getElementById('gen-prompt')!.closest('.gen-field')!;
          scroller.scrollTop +=
            field.getBoundingClientRect().top - scroller.getBoundingClientRect().top - 14;
        }),
    });
    expect(errors).toEqual([]);
  });

  it('Save as template… on the order card, then Templates → apply fills the form with its prompt and model', async () => {
    const card = page.locator(`[data-testid=order-card][data-order-id="${order.id}"]`);
    await card.getByTestId('order-save-template').click();
    await tid('save-template-dialog').waitFor();
    await tid('save-template-name').fill('Cats in colours');
    await tid('save-template-confirm').click();
    await poll(() => tid('save-template-dialog').count()).toBe(0);
    const [t] = await api<GenerationTemplateInfo[]>('templates.list', {});
    expect(t).toMatchObject({
      name: 'Cats in colours',
      usageCount: 0,
      model: { name: expect.stringContaining('dreamy-sd15') },
    });
    expect(t!.params.prompt).toBe(PROMPT);

    await tid('gen-prompt').fill('something else entirely');
    await tid('gen-templates').click();
    const item = page.locator(`[data-testid=gen-template][data-template-id="${t!.id}"]`);
    await item.waitFor();
    expect(await item.textContent()).toContain('Cats in colours');
    await item.getByTestId('gen-template-apply').click();
    await poll(() => tid('gen-prompt').inputValue()).toBe(PROMPT);
    expect(await tid('gen-model').inputValue()).toBe(order.model!.id);
    await poll(() => tid('gen-preview-count').textContent()).toBe('2 prompts × 2 = 4 images');
    const [used] = await api<GenerationTemplateInfo[]>('templates.list', {});
    expect(used!.usageCount).toBe(1);
    expect(errors).toEqual([]);
  });

  it('from the Workspace: Use as init image keeps the image first (asked), then Generate has it; Remix fills the form', async () => {
    await tid('gen-prompt').fill('a lighthouse');
    await tid('gen-negative').fill('');
    await tid('gen-count').fill('1');
    await tid('gen-seed').fill('7');
    expect(await tid('gen-destination-workspace').isChecked()).toBe(true);
    await tid('gen-generate').click();
    await poll(() => tid('gen-confirm-summary').textContent()).toMatch(/^1 image · /);
    await tid('gen-queue').click();
    const card = tid('order-card').first();
    await poll(() => card.getAttribute('data-order-id')).not.toBe(order.id);
    await poll(() => card.getAttribute('data-status'), 30_000).toBe('fulfilled');
    const second = await api<OrderDetail>('orders.get', {
      id: (await card.getAttribute('data-order-id'))!,
    });

    // Its tile opens the Workspace on its session, that image focused.
    await card.getByTestId('order-item-open-workspace').click();
    await tid('workspace-page').waitFor();
    await poll(() =>
      page
        .locator(`[data-testid=ws-session][data-session-id="${second.workspaceSessionId}"]`)
        .getAttribute('aria-pressed'),
    ).toBe('true');
    await poll(() => wsItems().count()).toBe(1);

    // Remix: its prompt and seed back in the form.
    await tid('ws-detail-remix').click();
    await tid('generate-page').waitFor();
    await poll(() => tid('gen-prompt').inputValue()).toBe('a lighthouse');
    expect(await tid('gen-seed').inputValue()).toBe('7');

    await nav('Workspace').click();
    await poll(() => wsItems().count()).toBe(1);
    await tid('ws-detail-init').click();
    await tid('ws-init-dialog').waitFor();
    expect(await tid('ws-init-dialog').textContent()).toContain('Keep it to use it?');
    await tid('ws-init-keep').click();
    await tid('generate-page').waitFor();
    const thumb = tid('gen-init-thumb');
    await thumb.waitFor();
    await poll(() => thumb.evaluate((i) => (i as HTMLImageElement).naturalWidth)).toBeGreaterThan(
      0,
    );
    const [ws] = await api<WorkspaceItemInfo[]>('workspace.items', {
      sessionId: second.workspaceSessionId!,
      status: 'all',
    });
    expect(ws).toMatchObject({ status: 'kept', assetId: expect.any(String) });
    const init = await api<AssetDetail>('assets.get', { id: ws!.assetId! });
    expect(await thumb.getAttribute('alt')).toBe(`Init image: ${init.filename}`);
    expect(await tid('gen-prompt').inputValue()).toBe('a lighthouse');
    const last = await api<OrderSummary[]>('orders.list', { limit: 5 });
    expect(last.every((o) => o.destination === 'workspace')).toBe(true);
    expect(errors).toEqual([]);
  });
});
