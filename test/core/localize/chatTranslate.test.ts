import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalizationDetail } from '../../../src-main/contract/localize';
import { JobRunner } from '../../../src-main/core/api/host';
import { budgetOf, jsonObjectIn } from '../../../src-main/core/localize/chatTranslate';
import { ChatFake, type ChatBody } from '../../fakes/chatFake';
import { openTestCore, type TestCore } from '../../helpers/core';
import { addAsset } from '../process/mediaFixtures';
import { speakingVideo, speechEnginesProblem } from './speechWorld';

const skip = speechEnginesProblem();

describe('the chat translator, pure parts', () => {
  it('a budget of about 15 characters a second; JSON found in prose or code fences', () => {
    expect(budgetOf(2000)).toBe(30);
    expect(budgetOf(300)).toBe(12);
    expect(jsonObjectIn('Sure!\n```json\n{"1": "Bonjour"}\n```')).toEqual({ '1': 'Bonjour' });
    expect(jsonObjectIn('no json here')).toBeNull();
  });
});

describe.skipIf(skip !== null)('translating through an OpenAI-compatible chat server', () => {
  let t: TestCore;
  let fake: ChatFake;
  const asked: ChatBody[] = [];
  beforeEach(async () => {
    t = await openTestCore();
    asked.length = 0;
    fake = await new ChatFake({
      models: ['nllb-chat'],
      reply: (body) => {
        asked.push(body);
        const system = body.messages?.[0]?.content ?? '';
        const user = JSON.parse(body.messages?.[1]?.content ?? '{}') as {
          cues?: { id: number; text: string }[];
          translation?: string;
        };
        if (system.startsWith('You shorten')) return '{"line": "Court."}';
        // The first cue comes back far too long to speak in its slot, the rest as they are.
        return `Voici : ${JSON.stringify(
          Object.fromEntries(
            (user.cues ?? []).map((c, i) => [
              c.id,
              i === 0 ? `${'Une très longue phrase qui ne tient pas. '.repeat(6)}` : `FR ${c.text}`,
            ]),
          ),
        )}`;
      },
    }).start();
    await t.call('engines.addEndpoint', { kind: 'llm', name: 'studio llama', url: fake.url });
  });
  afterEach(async () => {
    await fake.stop();
    await t.close();
  });

  it('asks with context and budgets, reads JSON keyed by cue id, and asks again for a line too long to speak', async () => {
    const video = speakingVideo(
      t.root,
      [
        { text: 'The quick brown fox jumps over the lazy dog.', atMs: 500 },
        { text: 'Thank you for watching this short video.', atMs: 5000 },
      ],
      9,
    );
    const assetId = await addAsset(t.core, video);
    // No Apertium pair for French here: auto takes the chat server.
    const L = await t.call('localize.start', { assetId, to: 'fr', mode: 'audio' });
    const runner = await new JobRunner(t.core, { ignorePause: true }).start();
    await runner.whenIdle();
    await runner.dispose();
    const d = (await t.call('localize.get', { id: L.id })) as LocalizationDetail;
    expect(d.error).toBeNull();
    expect(d.status).toBe('completed');
    const translateReq = JSON.parse(asked[0]!.messages![1]!.content) as {
      cues: { id: number; text: string; budget: number }[];
      context: { before: string[]; after: string[] };
    };
    expect(asked[0]!.messages![0]!.content).toMatch(/from English to French.*JSON/s);
    expect(translateReq.cues.map((c) => c.id)).toEqual([1, 2]);
    expect(translateReq.cues[0]!.budget).toBeGreaterThan(20);
    expect(d.cues[1]!.translation).toMatch(/^FR .*video/);
    // The first line did not fit: the translator was asked for a shorter one, and it is spoken.
    expect(asked.some((b) => b.messages![0]!.content.startsWith('You shorten'))).toBe(true);
    expect(d.cues[0]).toMatchObject({ translation: 'Court.', needsShorterLine: false });
    expect(d.engines.map((e) => e.name)).toContain("nllb-chat on LLM server 'studio llama'");
    // NLLB's licence is non-commercial: the dub it made is blocked in a commercial pack.
    const dub = d.outputs.find((o) => o.kind === 'dub' && o.assetId)!.assetId!;
    const pack = await t.call('packs.create', { name: 'Sold', licenseType: 'commercial' });
    await t.call('packs.addAssets', { packId: pack.id, selection: { ids: [dub] } });
    const check = await t.call('packs.check', { packId: pack.id });
    expect(check.issues.find((i) => i.code === 'noncommercial_model')?.message).toMatch(
      /made with nllb-chat on LLM server 'studio llama', whose licence forbids commercial use/,
    );
  }, 120_000);
});
