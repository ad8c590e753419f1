import { mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CollectionInfo } from '../../src-main/contract/curation';
import type { OrderDetail, OrderSummary } from '../../src-main/contract/generate';
import type { PackSummary } from '../../src-main/contract/packs';
import type { ProjectInfo } from '../../src-main/contract/projects';
import { sdCliWithSwitch, writeCheckpoint } from './support/generateWorld';
import { shootAll } from './support/screens';
import { serveWithBrowser } from './support/session';

const e2e = serveWithBrowser();
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });
let assetIds: string[] = [];

beforeAll(async () => {
  const media = path.join(e2e.serve.root, 'media');
  mkdirSync(media);
  for (const [name, color] of [
    ['amber.png', { r: 214, g: 140, b: 40 }],
    ['teal.png', { r: 20, g: 150, b: 140 }],
    ['plum.png', { r: 120, g: 60, b: 140 }],
  ] as const)
    await sharp({ create: { width: 96, height: 72, channels: 3, background: color } })
      .png()
      .toFile(path.join(media, name));
  await e2e.api('ingest.importFiles', { paths: [media] });
  assetIds = (await e2e.api<{ items: { id: string }[] }>('assets.list', { limit: 10 })).items.map(
    (a) => a.id,
  );
  // A second project so the list is not a single card.
  const other = await e2e.api<ProjectInfo>('projects.create', {
    name: 'Spring lookbook',
    description: 'Pastel product shots for the spring catalogue, square and portrait crops.',
  });
  await e2e.api('projects.assign', { id: other.id, assetIds: [assetIds[2]] });
  await e2e.api('projects.update', { id: other.id, featuredAssetIds: [assetIds[2]] });
  // A local checkpoint and the sd-cli fake (instant runs) for ordering into a project.
  writeCheckpoint(e2e.serve.dataDir, 'dreamy-sd15');
  const sdcli = sdCliWithSwitch(e2e.serve.root);
  sdcli.setEnv({ FAKE_SDCLI_SPEED: 0 });
  await e2e.api('engines.update', { sdcppPath: sdcli.path });
  await e2e.api('models.scan', {});
});

describe('the Projects page', () => {
  it('creates, fills, completes, tags, filters, deletes and restores a project', async () => {
    const page = await e2e.browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${e2e.serve.openUrl}#/projects`);
    await page.getByRole('button', { name: 'Projects', exact: true }).waitFor();
    await poll(() => page.getByTestId('project-card').count()).toBe(1);

    // New project, in the app's own form.
    await page.getByTestId('projects-new').click();
    await shootAll(page, 'projects-new');
    await page.getByTestId('project-new-name').fill('Autumn campaign');
    await page
      .getByTestId('project-new-description')
      .fill('Warm-toned hero images and banners for the autumn launch.');
    await page.getByTestId('project-create').click();
    const card = page.locator('[data-testid="project-card"]', { hasText: 'Autumn campaign' });
    await poll(() => card.count()).toBe(1);
    expect(await card.getByTestId('project-counts').textContent()).toBe(
      '0 assets · 0 orders · 0 packs · 0 templates',
    );
    const panel = page.getByTestId('project-panel');
    await poll(() => panel.locator('h2').textContent()).toBe('Autumn campaign');
    const project = (await e2e.api<ProjectInfo[]>('projects.list', {})).find(
      (p) => p.name === 'Autumn campaign',
    )!;

    // Assigned through the api: projects.changed updates the card and the panel.
    await e2e.api('projects.assign', { id: project.id, assetIds: assetIds.slice(0, 2) });
    await poll(() => card.getByTestId('project-counts').textContent()).toBe(
      '2 assets · 0 orders · 0 packs · 0 templates',
    );
    await poll(() => panel.locator('[data-testid="project-assets"] .prj-asset').count()).toBe(2);

    // Featured, from the project's assets.
    await panel.getByTestId('project-pick-featured').click();
    await panel.locator('.prj-asset').nth(0).click();
    await panel.locator('.prj-asset').nth(1).click();
    await panel.getByTestId('project-featured-save').click();
    await poll(() => card.locator('.prj-card-media img').count()).toBe(2);

    // Tags, as chips: a comma or Enter adds one (once, case aside); ✕ and Backspace remove.
    const tagField = panel.getByTestId('project-tags-input');
    await tagField.fill('client, autumn , Client, print, draft');
    await tagField.press('Enter');
    await poll(() => card.locator('.prj-tag').allTextContents()).toEqual([
      'autumn',
      'client',
      'draft',
      'print',
    ]);
    await panel.locator('[data-testid="project-tags-chip"][data-tag="draft"]').waitFor();
    await panel.getByRole('button', { name: 'Remove tag draft' }).click();
    await poll(() => card.locator('.prj-tag').allTextContents()).toEqual([
      'autumn',
      'client',
      'print',
    ]);
    await tagField.fill('scratch');
    await tagField.press('Enter');
    await poll(() => panel.getByTestId('project-tags-chip').count()).toBe(4);
    await tagField.press('Backspace');
    await poll(
      async () => (await e2e.api<ProjectInfo>('projects.get', { id: project.id })).tags,
    ).toEqual(['autumn', 'client', 'print']);
    await poll(() => panel.getByTestId('project-tags-chip').allTextContents()).toEqual([
      'autumn',
      'client',
      'print',
    ]);
    await shootAll(page, 'projects');

    // Completed: it leaves Active and shows under Completed.
    await panel.getByTestId('project-status-select').selectOption('completed');
    await poll(() => card.count()).toBe(0);
    expect((await e2e.api<ProjectInfo>('projects.get', { id: project.id })).status).toBe(
      'completed',
    );
    await page.getByRole('tab', { name: 'Completed' }).click();
    await poll(() => card.count()).toBe(1);
    expect(await page.getByTestId('project-card').count()).toBe(1);
    expect(await card.getByTestId('project-status').textContent()).toBe('Completed');
    await page.getByRole('tab', { name: 'Archived' }).click();
    await poll(() => page.getByTestId('project-card').count()).toBe(0);
    await poll(() => page.locator('.empty-state h2').textContent()).toBe('No archived projects');
    await page.getByRole('tab', { name: 'Completed' }).click();
    await poll(() => card.count()).toBe(1);

    // Delete, with the in-app confirm; All shows it in the trash; Restore.
    if ((await panel.count()) === 0) await card.click();
    await panel.getByTestId('project-delete').click();
    await panel.getByTestId('project-confirm').waitFor();
    await panel.getByTestId('project-confirm-delete').click();
    await poll(() => card.count()).toBe(0);
    expect((await e2e.api<ProjectInfo>('projects.get', { id: project.id })).deleted).toBe(true);
    await page.getByRole('tab', { name: 'All' }).click();
    await poll(() => card.getByTestId('project-deleted-badge').count()).toBe(1);
    expect(await page.getByTestId('project-card').count()).toBe(2);
    await card.click();
    await panel.getByTestId('project-restore').waitFor();
    await shootAll(page, 'projects-trash');
    await panel.getByTestId('project-restore').click();
    await poll(() => card.getByTestId('project-status').textContent()).toBe('Completed');
    expect((await e2e.api<ProjectInfo>('projects.get', { id: project.id })).deleted).toBe(false);

    // Show in Library: the Library opens filtered to the project.
    await panel.getByTestId('project-show-library').click();
    await poll(() => page.evaluate(() => location.hash)).toBe('#/library');

    expect(errors).toEqual([]);
    await page.close();
  });

  it('files a Generate order under the chosen project; Show in Library shows a chip that filters to it', async () => {
    const page = await e2e.browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const tid = (id: string) => page.getByTestId(id);
    const project = await e2e.api<ProjectInfo>('projects.create', { name: 'Pinhole series' });

    await page.goto(`${e2e.serve.openUrl}#/generate`);
    await tid('generate-page').waitFor();
    const model = tid('gen-model');
    await poll(() => model.locator('option', { hasText: 'dreamy-sd15' }).count()).toBe(1);
    await model.selectOption({ label: 'dreamy-sd15' });
    await tid('gen-prompt').fill('a pinhole photo of a quiet harbour');
    await tid('gen-count').fill('1');
    const select = tid('gen-project');
    await poll(() => select.locator('option', { hasText: 'Pinhole series' }).count()).toBe(1);
    // Only active projects are offered (Autumn campaign was completed above).
    expect(await select.locator('option', { hasText: 'Autumn campaign' }).count()).toBe(0);
    await select.selectOption({ label: 'Pinhole series' });
    await tid('gen-generate').click();
    await tid('gen-queue').click();

    const ordered = async () =>
      (await e2e.api<OrderSummary[]>('orders.list', { limit: 10 })).filter(
        (o) => o.projectId === project.id,
      );
    await poll(async () => (await ordered()).map((o) => [o.status, o.completeCount])).toEqual([
      ['fulfilled', 1],
    ]);
    await poll(
      async () => (await e2e.api<ProjectInfo>('projects.get', { id: project.id })).counts,
    ).toMatchObject({ orders: 1, assets: 1 });
    // The choice is remembered with the form.
    await poll(() =>
      page.evaluate(
        () =>
          (
            JSON.parse(localStorage.getItem('atelier.generate.form') ?? '{}') as {
              projectId?: string;
            }
          ).projectId,
      ),
    ).toBe(project.id);

    // Show in Library from the project's panel: a chip names the project; only its asset shows.
    await page.goto(`${e2e.serve.openUrl}#/projects`);
    const card = page.locator('[data-testid="project-card"]', { hasText: 'Pinhole series' });
    await card.click();
    const panel = page.getByTestId('project-panel');
    await poll(() => panel.locator('h2').textContent()).toBe('Pinhole series');
    await panel.getByTestId('project-show-library').click();
    await poll(() => page.evaluate(() => location.hash)).toBe('#/library');
    const chip = tid('filter-chip-project');
    await poll(() => tid('filter-chip-project-label').textContent()).toBe(
      'Project: Pinhole series',
    );
    await poll(() => tid('lib-card').count()).toBe(1);
    await shootAll(page, 'library-project-chip');

    // ✕ clears it: every asset again.
    await tid('filter-chip-project-clear').click();
    await poll(() => chip.count()).toBe(0);
    await poll(() => tid('lib-card').count()).toBe(4);

    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a project’s orders and packs, opens them where they are worked on, tags an order and a collection', async () => {
    const page = await e2e.browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const tid = (id: string) => page.getByTestId(id);
    const project = await e2e.api<ProjectInfo>('projects.create', {
      name: 'Bottle labels',
      description: 'Forty label designs for the spring range of cordials.',
      defaultModel: 'dreamy-sd15',
      defaultParams: { steps: 12, negative: 'blurry, text, watermark' },
    });

    // The project's page before it has any work: empty states that say what to do.
    await page.goto(`${e2e.serve.openUrl}#/projects`);
    const card = page.locator('[data-testid="project-card"]', { hasText: 'Bottle labels' });
    await card.click();
    const panel = tid('project-panel');
    await poll(() => panel.locator('h2').textContent()).toBe('Bottle labels');
    await poll(() => panel.getByTestId('project-orders-empty').textContent()).toMatch(
      /^No orders yet\. New order opens the Generate page/,
    );
    await poll(() => panel.getByTestId('project-packs-empty').textContent()).toMatch(
      /^No packs yet\. New pack makes one in this project/,
    );
    // The panel scrolls inside: its orders and packs in view.
    const toWork = () =>
      panel.getByTestId('project-orders').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shootAll(page, 'project-empty', { prepare: toWork });

    // New order: the Generate page with the project chosen and its defaults in the form, except
    // what the creator had changed; Undo puts the form back.
    await page.goto(`${e2e.serve.openUrl}#/generate`);
    await tid('generate-page').waitFor();
    await poll(() => tid('gen-model').locator('option', { hasText: 'dreamy-sd15' }).count()).toBe(
      1,
    );
    await tid('gen-project').selectOption('');
    await tid('gen-steps').fill('25');
    expect(await tid('gen-negative').inputValue()).toBe('');
    await page.getByRole('button', { name: 'Projects', exact: true }).click();
    await card.click();
    await poll(() => panel.locator('h2').textContent()).toBe('Bottle labels');
    await panel.getByTestId('project-new-order').click();
    await poll(() => page.evaluate(() => location.hash)).toBe('#/generate');
    await poll(() => tid('gen-project').inputValue()).toBe(project.id);
    const line = tid('gen-project-defaults');
    await poll(() => tid('gen-project-defaults-text').textContent()).toBe(
      'Using Bottle labels’ defaults · kept your steps',
    );
    await poll(() => tid('gen-negative').inputValue()).toBe('blurry, text, watermark');
    expect(await tid('gen-steps').inputValue()).toBe('25');
    await tid('gen-project-defaults-undo').click();
    await poll(() => line.count()).toBe(0);
    expect(await tid('gen-negative').inputValue()).toBe('');
    expect(await tid('gen-project').inputValue()).toBe(project.id);
    // Chosen again from the select: the steps the creator typed still win.
    await tid('gen-project').selectOption('');
    await tid('gen-project').selectOption({ label: 'Bottle labels' });
    await poll(() => tid('gen-project-defaults-text').textContent()).toBe(
      'Using Bottle labels’ defaults · kept your steps',
    );
    await poll(() => tid('gen-negative').inputValue()).toBe('blurry, text, watermark');
    await tid('gen-prompt').fill('an elderflower cordial label, letterpress');
    await tid('gen-count').fill('2');
    await shootAll(page, 'generate-project-defaults', {
      prepare: () => line.scrollIntoViewIfNeeded(),
    });
    await tid('gen-generate').click();
    await tid('gen-queue').click();
    const inProject = () =>
      e2e.api<OrderSummary[]>('orders.list', { projectId: project.id, limit: 10 });
    await poll(async () => (await inProject()).map((o) => [o.status, o.completeCount])).toEqual([
      ['fulfilled', 2],
    ]);
    const [order] = await inProject();
    expect(order!.params).toMatchObject({ steps: 25, negative: 'blurry, text, watermark' });

    // Packs: one made in the panel, one through the api; and one outside the project.
    await page.goto(`${e2e.serve.openUrl}#/projects`);
    await card.click();
    await poll(() => panel.getByTestId('project-order').count()).toBe(1);
    await panel.getByTestId('project-new-pack').click();
    await panel.getByTestId('project-new-pack-name').fill('Cordial labels, set A');
    await panel.getByTestId('project-new-pack-create').click();
    await poll(() => panel.getByTestId('project-pack').count()).toBe(1);
    const second = await e2e.api<PackSummary>('packs.create', {
      name: 'Cordial labels, set B',
      projectId: project.id,
    });
    await e2e.api('packs.create', { name: 'Not in the project' });
    await e2e.api('packs.addAssets', {
      packId: second.id,
      assetIds: (await e2e.api<OrderDetail>('orders.get', { id: order!.id })).items.flatMap(
        (i) => i.assetIds,
      ),
    });
    await poll(() => panel.getByTestId('project-pack').count()).toBe(2);
    await poll(() =>
      panel.locator('[data-testid="project-pack"] .prj-item-main').allTextContents(),
    ).toEqual(['Cordial labels, set B2 items · v1.0.0', 'Cordial labels, set A0 items · v1.0.0']);
    expect(await panel.getByTestId('project-pack-status').allTextContents()).toEqual([
      'Not exported',
      'Not exported',
    ]);
    const row = panel.getByTestId('project-order');
    expect(await row.getAttribute('data-order-id')).toBe(order!.id);
    expect(await row.getByTestId('project-order-status').textContent()).toBe('Done');
    await poll(() => card.getByTestId('project-counts').textContent()).toBe(
      '2 assets · 1 order · 2 packs · 0 templates',
    );
    await shootAll(page, 'project-work', { prepare: toWork });

    // An order opens on the Generate page, open and in view; a tag is added to it there.
    await row.click();
    await poll(() => page.evaluate(() => location.hash)).toBe('#/generate');
    const orderCard = page.locator(`[data-testid="order-card"][data-order-id="${order!.id}"]`);
    await poll(() => orderCard.locator('.gen-order-toggle').getAttribute('aria-expanded')).toBe(
      'true',
    );
    const tagField = orderCard.getByTestId('order-tags-input');
    await tagField.fill('letterpress');
    await tagField.press('Enter');
    await tagField.fill('client');
    await tagField.press('Enter');
    await poll(
      async () => (await e2e.api<OrderDetail>('orders.get', { id: order!.id })).tags,
    ).toEqual(['client', 'letterpress']);
    await poll(() => orderCard.getByTestId('order-tags-chip').allTextContents()).toEqual([
      'client',
      'letterpress',
    ]);
    await shootAll(page, 'generate-order-tags', {
      prepare: () => orderCard.scrollIntoViewIfNeeded(),
    });
    // Closed, the card still shows its tags (read-only).
    await orderCard.locator('.gen-order-toggle').click();
    await poll(() => orderCard.getByTestId('order-tags-input').count()).toBe(0);
    expect(await orderCard.getByTestId('order-tags-chip').count()).toBe(2);

    // A pack opens in the pack editor.
    await page.goto(`${e2e.serve.openUrl}#/projects`);
    await card.click();
    await panel.locator(`[data-testid="project-pack"][data-pack-id="${second.id}"]`).click();
    await poll(() => page.evaluate(() => location.hash)).toBe('#/packs');
    await poll(() => page.locator('.pack-card.active').getAttribute('data-pack-id')).toBe(
      second.id,
    );
    await poll(() => page.getByLabel('Name', { exact: true }).inputValue()).toBe(
      'Cordial labels, set B',
    );

    // A collection is renamed and tagged from the Library sidebar.
    const collection = await e2e.api<CollectionInfo>('collections.create', { name: 'Labels' });
    await page.goto(`${e2e.serve.openUrl}#/library`);
    const side = page.locator(
      `[data-testid="side-collection"][data-collection-id="${collection.id}"]`,
    );
    await side.hover();
    await side.getByTestId('side-collection-edit').click();
    const dialog = tid('collection-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('collection-name').fill('Cordial labels');
    const chips = dialog.getByTestId('collection-tags-input');
    await chips.fill('print, spring');
    await chips.press('Enter');
    await poll(
      async () =>
        (await e2e.api<CollectionInfo[]>('collections.list', {})).find(
          (c) => c.id === collection.id,
        )?.tags,
    ).toEqual(['print', 'spring']);
    await shootAll(page, 'library-collection-edit');
    await dialog.getByTestId('collection-save').click();
    await poll(() => dialog.count()).toBe(0);
    await poll(
      async () =>
        (await e2e.api<CollectionInfo[]>('collections.list', {})).find(
          (c) => c.id === collection.id,
        )?.name,
    ).toBe('Cordial labels');
    await poll(() => side.textContent()).toMatch(/^Cordial labels/);

    expect(errors).toEqual([]);
    await page.close();
  });
});
