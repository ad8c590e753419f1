import { mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OrderSummary } from '../../src-main/contract/generate';
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

    // Tags.
    await panel.getByTestId('project-tags').fill('client, autumn , Client, print');
    await panel.getByTestId('project-tags-save').click();
    await poll(() => card.locator('.prj-tag').allTextContents()).toEqual([
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
});
