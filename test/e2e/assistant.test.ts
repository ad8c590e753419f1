import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PromptTemplateInfo } from '../../src-main/contract/assistant';
import { NO_CHAT_ENDPOINT } from '../../src-main/contract/assistant';
import type { OrderDetail, OrderSummary } from '../../src-main/contract/generate';
import { ChatFake } from '../fakes/chatFake';
import { scrollAllToTop, sdCliWithSwitch, writeCheckpoint } from './support/generateWorld';
import { serveWithBrowser } from './support/session';

const e2e = serveWithBrowser();
const api = e2e.api;
const shots = path.resolve('test-results/screens');
let chat: ChatFake | undefined;
let page: Page;
const errors: string[] = [];

const ORIGINAL = 'a lighthouse at dusk';
const REPLY =
  'a lone lighthouse on a rocky cliff at dusk, volumetric god rays, crashing waves, 35mm film, highly detailed';

const poll = <T>(fn: () => T | Promise<T>, timeout = 20_000) =>
  expect.poll(fn, { timeout, interval: 30 });
const tid = (id: string) => page.getByTestId(id);
const nav = (name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: true });

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  writeCheckpoint(e2e.serve.dataDir, 'dreamy-sd15');
  const sdcli = sdCliWithSwitch(e2e.serve.root);
  sdcli.setEnv({ FAKE_SDCLI_SPEED: 0 });
  await api('engines.update', { sdcppPath: sdcli.path });
  await api('models.scan', {});
  page = await e2e.browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(e2e.serve.openUrl);
  await nav('Generate').click();
  await tid('generate-page').waitFor();
});
afterAll(async () => {
  await chat?.stop();
});

describe('Enhance on the Generate page', () => {
  it('without an LLM server: the status problem shows inline, with how to add one', async () => {
    await tid('gen-prompt').fill(ORIGINAL);
    await poll(() => tid('gen-enhance-template').locator('option').count()).toBeGreaterThan(0);
    await tid('gen-enhance').click();
    const problem = tid('gen-enhance-problem');
    await poll(() => problem.textContent()).toContain(NO_CHAT_ENDPOINT);
    expect(await problem.textContent()).toMatch(/Settings → Engines/);
    expect(await tid('gen-enhance-panel').count()).toBe(0);
    await tid('gen-enhance-problem-dismiss').click();
    expect(await problem.count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('streams the enhanced prompt live; Use it replaces the prompt and the order carries the original', async () => {
    chat = await new ChatFake({ reply: REPLY, chunkDelayMs: 90 }).start();
    await api('engines.addEndpoint', { kind: 'llm', name: 'local-llm', url: chat.url });
    const templates = await api<PromptTemplateInfo[]>('promptTemplates.list', {});
    expect(templates.length).toBeGreaterThan(0);
    const template = templates[templates.length > 1 ? 1 : 0]!;

    await tid('gen-model').selectOption({ label: 'dreamy-sd15' });
    await tid('gen-enhance-template').selectOption(template.id);
    await tid('gen-enhance').click();

    // Streaming: the panel shows a part of the answer before the whole, with the original.
    const panel = tid('gen-enhance-panel');
    const text = tid('gen-enhance-text');
    await poll(async () => {
      const t = (await text.textContent()) ?? '';
      return (await panel.getAttribute('data-status')) === 'streaming' && t.length > 0;
    }).toBe(true);
    const partial = (await text.textContent()) ?? '';
    expect(REPLY.startsWith(partial.trim())).toBe(true);
    expect(partial.trim().length).toBeLessThan(REPLY.length);
    expect(await tid('gen-enhance-use').isDisabled()).toBe(true);
    expect(await tid('gen-enhance-original').textContent()).toBe(ORIGINAL);
    await poll(() => panel.getAttribute('data-status')).toBe('done');
    expect(await text.textContent()).toBe(REPLY);
    // The template chosen is the one asked with, and it is remembered.
    const chats = chat.chats;
    expect(chats.length).toBe(1);
    expect(chats[0]!.max_tokens).toBe(template.maxTokens);
    expect(chats[0]!.stream).toBe(true);
    expect(
      await page.evaluate(() => localStorage.getItem('atelier.generate.enhanceTemplate')),
    ).toBe(template.id);
    // Keyboard: focus lands on "Use it" once the answer is in.
    await poll(() =>
      page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid),
    ).toBe('gen-enhance-use');

    await scrollAllToTop(page);
    for (const [w, h, scheme] of [
      [1440, 900, 'light'],
      [1024, 700, 'dark'],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.emulateMedia({ colorScheme: scheme });
      await panel.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(shots, `generate-enhance-${w}-${scheme}.png`) });
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });

    await page.keyboard.press('Enter');
    await poll(() => panel.count()).toBe(0);
    expect(await tid('gen-prompt').inputValue()).toBe(REPLY);
    expect(await tid('gen-enhanced-from-text').textContent()).toBe(ORIGINAL);

    // An order now: its item's params carry the original beside the enhanced prompt.
    const before = (await api<OrderSummary[]>('orders.list', { limit: 50 })).map((o) => o.id);
    await tid('gen-count').fill('1');
    await tid('gen-generate').click();
    await tid('gen-queue').click();
    let id = '';
    await poll(async () => {
      const now = await api<OrderSummary[]>('orders.list', { limit: 50 });
      id = now.find((o) => !before.includes(o.id))?.id ?? '';
      return id;
    }).not.toBe('');
    const order = await api<OrderDetail>('orders.get', { id });
    expect(order.items.length).toBe(1);
    expect(order.items[0]!.params.prompt).toBe(REPLY);
    expect(order.items[0]!.params.originalPrompt).toBe(ORIGINAL);
    await poll(async () => (await api<OrderDetail>('orders.get', { id })).status).toBe('fulfilled');

    // An edit keeps the original; ✕ forgets it.
    await tid('gen-prompt').fill(`${REPLY}, fog`);
    expect(await tid('gen-enhanced-from-text').textContent()).toBe(ORIGINAL);
    await tid('gen-enhanced-from-clear').click();
    expect(await tid('gen-enhanced-from').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('a chat server error shows inline in the panel', async () => {
    chat!.failure = { kind: 'status', status: 500, message: 'model failed to load' };
    await tid('gen-enhance').click();
    const err = tid('gen-enhance-error');
    await poll(() => err.count()).toBe(1);
    expect((await err.textContent())!.length).toBeGreaterThan(0);
    expect(await tid('gen-enhance-panel').getAttribute('data-status')).toBe('failed');
    expect(await tid('gen-enhance-retry').count()).toBe(1);
    // Escape from inside the panel closes it.
    await tid('gen-enhance-retry').focus();
    await page.keyboard.press('Escape');
    await poll(() => tid('gen-enhance-panel').count()).toBe(0);
    chat!.failure = null;
    expect(errors).toEqual([]);
  });
});
