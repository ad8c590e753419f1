import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../../contract/errors';
import type { LocalizationInfo } from '../../contract/localize';
import type { Atelier } from '../app/atelier';
import type { AssetRow } from '../db/schema';
import { statements } from '../db/statements';
import { requirePath, resolveEngines } from '../engines/resolveEngines';
import { resolveSpeechEngines } from '../engines/speech';
import { defineJobKind } from '../jobs/registry';
import type { JobContext, JobKind, JobOutcome } from '../jobs/types';
import { loadSource } from '../process/kindSupport';
import { registerOutput } from '../process/registerOutput';
import { replaceOutput } from '../process/replaceOutput';
import {
  assembleTrack,
  burnArgs,
  conformClip,
  extractSpeechAudio,
  mixDub,
  muxArgs,
} from './audioSteps';
import { wordsToCues } from './cueRules';
import { FIT, fitSpeech } from './fitSpeech';
import { argosRoute, languageName } from '../../contract/languages';
import { disableMp4SubtitleTracks } from './mp4Tracks';
import {
  cueRows,
  localizationRow,
  markCuesRun,
  setCueFields,
  setLocalization,
  storeCues,
  type CueRow,
  type LocalizationRow,
} from './localizeStore';
import {
  apertiumMode,
  askArgosPairs,
  noOfflineTranslator,
  parseApertiumPairs,
  recognize,
  speak,
  translateLines,
  translateWithArgos,
  type ArgosPair,
  type EngineUse,
} from './speechSteps';
import { hasChatServer, shortenWithChat, translateWithChat } from './chatTranslate';
import { toSrt, toVtt } from '../util/subtitleFormats';
import { readWavInfo } from './wav';

const params = z.object({ localizationId: z.string().trim().min(1).max(64) }).strict();

const TRANSLATE_BATCH = 20;

const hash = (...parts: unknown[]) =>
  createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);

export function clipFile(dir: string, clipHash: string): string {
  return path.join(dir, 'clips', `${clipHash}.wav`);
}

/** The persistent folder of a localisation: its subtitles, clips and dub survive its jobs. */
export function localizationDir(core: Atelier, id: string): string {
  return path.join(core.layout.root, 'localize', id);
}

type Translator = 'apertium' | 'argos' | 'llm';

interface Options {
  originalVolume: number;
  translator?: 'auto' | Translator;
  asrHash?: string;
}

let rubberband: boolean | null = null;
async function hasRubberband(ctx: JobContext, ffmpeg: string): Promise<boolean> {
  if (rubberband === null) {
    const r = await ctx.spawn(ffmpeg, ['-hide_banner', '-filters'], {
      label: 'ffmpeg',
      captureStdout: 'text',
    });
    rubberband = /\srubberband\s/.test(r.stdout);
  }
  return rubberband;
}

type Output = LocalizationInfo['outputs'][number];

/** A speech engine that dies on one line is given a second go at that line before the job fails. */
async function speakRetrying(...args: Parameters<typeof speak>): Promise<EngineUse> {
  try {
    return await speak(...args);
  } catch (err) {
    if ((err as { code?: string }).code !== 'engine_failed') throw err;
    args[0].log('warn', `Speech failed on one line, trying it again: ${(err as Error).message}`);
    return speak(...args);
  }
}

class Run {
  uses: EngineUse[] = [];
  /** Chosen once per run; only the chat server also shortens a line too long to speak. */
  translator: Translator = 'apertium';
  get chat() {
    return this.translator === 'llm';
  }
  outputs: Output[];
  constructor(
    readonly ctx: JobContext,
    readonly L: LocalizationRow,
    readonly asset: AssetRow,
    readonly dir: string,
    readonly ffmpeg: string,
    readonly options: Options,
  ) {
    // A Library output is kept by its asset; a working file only while it is on disk.
    this.outputs = (JSON.parse(L.outputs) as Output[]).filter(
      (o) => o.assetId !== null || existsSync(o.path),
    );
  }
  get core() {
    return this.ctx.core;
  }
  private pairs: string[] | null = null;
  /** Apertium's installed pairs, asked once per run rather than once per batch. */
  async apertiumPairs(engines: ReturnType<typeof resolveSpeechEngines>): Promise<string[]> {
    if (this.pairs === null)
      this.pairs = engines.apertium
        ? parseApertiumPairs(
            (
              await this.ctx.spawn(engines.apertium, ['-l'], {
                label: 'apertium',
                captureStdout: 'text',
              })
            ).stdout,
          )
        : [];
    return this.pairs;
  }
  private argos: ArgosPair[] | null | undefined;
  /** Argos Translate's installed packages, asked once per run (null: they cannot be listed). */
  async argosPairs(engines: ReturnType<typeof resolveSpeechEngines>): Promise<ArgosPair[] | null> {
    if (this.argos === undefined) {
      const { pairs, problem } = await askArgosPairs(
        (file, args, options) => this.ctx.spawn(file, args, options),
        engines,
      );
      if (problem) this.ctx.log('warn', problem);
      this.argos = pairs;
    }
    return this.argos;
  }
  use(u: EngineUse) {
    if (!this.uses.some((x) => x.name === u.name)) this.uses.push(u);
  }
  output(o: Output) {
    this.outputs = [
      ...this.outputs.filter((x) => !(x.kind === o.kind && x.language === o.language)),
      o,
    ];
    setLocalization(this.core, this.L.id, {
      outputs: JSON.stringify(this.outputs),
      engines: JSON.stringify(this.uses),
    });
  }
  stem() {
    return this.asset.filename.replace(/\.[^.]+$/, '');
  }
  /** What every output of this run says made it (the pack check reads the licences). */
  derivation(kind = 'localize', to: string | null = this.L.target_lang) {
    return { kind, params: { localizationId: this.L.id, to }, engines: this.uses };
  }
  /**
   * Puts a finished file in the Library, derived from the source: the first run adds an asset,
   * a re-run replaces the file of the asset it added (curation, collections and packs stay with
   * it) unless the creator has since put that asset in the trash.
   */
  async publish(
    o: { kind: Output['kind']; language: string; path: string },
    file: string,
    suffix: string,
    ext: string,
    derivationKind = 'localize',
  ): Promise<string> {
    const { ctx } = this;
    const earlier = this.outputs.find((x) => x.kind === o.kind && x.language === o.language);
    const q = statements(this.core.sqlite);
    const live =
      earlier?.assetId && earlier.sha256
        ? (q
            .get(`SELECT id FROM assets WHERE id = ? AND deleted_at IS NULL AND missing = 0`)
            .get(earlier.assetId) as { id: string } | undefined)
        : undefined;
    const derivation = this.derivation(derivationKind, o.language);
    let id: string | null = null;
    if (live) {
      const r = await replaceOutput(this.core, live.id, file, {
        derivation,
        jobId: ctx.jobId,
        language: o.language,
        expectSha: earlier!.sha256!,
      });
      // Diverged: the creator changed that file; it stays theirs and this is a new asset.
      if (r !== 'diverged') id = live.id;
    }
    id ??= await registerOutput(this.core, {
      source: this.asset,
      tempFile: file,
      suffix,
      ext,
      provenance: 'derived',
      derivation,
      jobId: ctx.jobId,
      signal: ctx.signal,
      language: o.language,
    });
    const { sha256 } = q.get(`SELECT sha256 FROM assets WHERE id = ?`).get(id) as {
      sha256: string;
    };
    this.output({ ...o, assetId: id, sha256 });
    return id;
  }
}

/** The cues' translations by the engine the run chose. */
async function translate(
  run: Run,
  engines: ReturnType<typeof resolveSpeechEngines>,
  untranslated: CueRow[],
  all: CueRow[],
  to: string,
): Promise<Map<number, string>> {
  const { ctx, L } = run;
  if (run.chat) {
    const first = all.findIndex((c) => c.idx === untranslated[0]!.idx);
    const last = all.findIndex((c) => c.idx === untranslated.at(-1)!.idx);
    const { lines, use } = await translateWithChat(
      ctx.core,
      untranslated.map((c) => ({ id: c.idx, text: c.text, slotMs: c.end_ms - c.start_ms })),
      {
        before: all.slice(Math.max(0, first - 2), first).map((c) => c.text.replace(/\n/g, ' ')),
        after: all.slice(last + 1, last + 3).map((c) => c.text.replace(/\n/g, ' ')),
      },
      L.source_lang,
      to,
    );
    run.use(use);
    return lines;
  }
  const texts = untranslated.map((c) => c.text);
  const { lines, use } =
    run.translator === 'argos'
      ? await translateWithArgos(
          ctx,
          engines,
          await run.argosPairs(engines),
          texts,
          L.source_lang,
          to,
        )
      : await translateLines(
          ctx,
          engines,
          await run.apertiumPairs(engines),
          texts,
          L.source_lang,
          to,
        );
  run.use(use);
  return new Map(untranslated.map((c, i) => [c.idx, lines[i]!]));
}

/**
 * The translator chosen, or for auto the first that has the pair: Apertium, then Argos Translate
 * (directly or chaining its packages), then the chat server.
 */
async function chooseTranslator(
  run: Run,
  engines: ReturnType<typeof resolveSpeechEngines>,
  to: string,
): Promise<Translator> {
  const choice = run.options.translator ?? 'auto';
  if (choice !== 'auto') return choice;
  const from = run.L.source_lang;
  const apertium = await run.apertiumPairs(engines);
  if (apertiumMode(apertium, from, to)) return 'apertium';
  const argos = engines.argos ? await run.argosPairs(engines) : null;
  if (argos && argosRoute(argos, from, to)) return 'argos';
  if (hasChatServer(run.core)) return 'llm';
  // None has it: the installed one says why in its own words, both together when both are.
  if (engines.apertium && engines.argos) throw noOfflineTranslator(apertium, argos, from, to);
  return engines.argos ? 'argos' : 'apertium';
}

/** 1. Transcribe (once per source and engine, unless the creator edited cues). */
async function transcribe(run: Run): Promise<CueRow[]> {
  const { ctx, L, asset } = run;
  const engines = resolveSpeechEngines();
  const key = hash(
    asset.sha256,
    engines.whisper?.model ?? engines.pocketsphinx?.flavour ?? '',
    L.source_lang,
  );
  const have = cueRows(ctx.core, L.id);
  if (have.length && (run.options.asrHash === key || have.some((c) => c.edited))) {
    run.use({
      stage: 'recognition',
      name: run.uses[0]?.name ?? 'earlier transcription',
      license: '',
    });
    return have;
  }
  // Transcription's share stays small: the parts after it report their own progress from 0.
  ctx.progress(0.005, 'Extracting the speech');
  const wav = ctx.tempPath('speech.wav');
  await extractSpeechAudio(ctx, run.ffmpeg, asset.path, wav);
  ctx.progress(0.01, 'Transcribing');
  const { words, use } = await recognize(ctx, engines, wav, L.source_lang, [0.01, 0.03]);
  run.use(use);
  const cues = wordsToCues(words);
  if (!cues.length)
    throw new AppError(
      'invalid_input',
      `No speech was recognised in ${asset.filename} (silence or music, or speech in a language other than ${languageName(L.source_lang)}).`,
    );
  storeCues(ctx.core, L.id, cues);
  run.options.asrHash = key;
  statements(ctx.core.sqlite)
    .get(`UPDATE localizations SET options = ? WHERE id = ?`)
    .run(JSON.stringify(run.options), L.id);
  return cueRows(ctx.core, L.id);
}

/**
 * The working SRT/VTT in the localisation's folder (the mux reads them), and each as a Library
 * asset derived from the video.
 */
async function writeSubtitles(
  run: Run,
  lang: string,
  cues: { startMs: number; endMs: number; text: string }[],
): Promise<string[]> {
  const base = path.join(run.dir, `${run.stem()}.${lang}`);
  const ids: string[] = [];
  for (const [kind, text] of [
    ['srt', toSrt(cues)],
    ['vtt', toVtt(cues, lang)],
  ] as const) {
    const file = `${base}.${kind}`;
    await writeFile(file, text);
    const copy = run.ctx.tempPath(`${lang}.${kind}`);
    await copyFile(file, copy);
    ids.push(await run.publish({ kind, language: lang, path: file }, copy, lang, kind));
  }
  return ids;
}

async function runLocalization(ctx: JobContext, p: z.output<typeof params>): Promise<JobOutcome> {
  const core = ctx.core;
  const L = localizationRow(core, p.localizationId);
  const asset = await loadSource(core, L.asset_id, ['video', 'audio'], 'Localisation');
  if (!asset.has_audio && asset.type === 'video')
    throw new AppError(
      'invalid_input',
      `${asset.filename} has no audio track: there is no speech to transcribe.`,
    );
  const ffmpeg = requirePath((await resolveEngines(core)).ffmpeg, 'ffmpeg');
  const dir = localizationDir(core, L.id);
  await mkdir(path.join(dir, 'clips'), { recursive: true });
  const run = new Run(ctx, L, asset, dir, ffmpeg, JSON.parse(L.options) as Options);
  run.uses = JSON.parse(L.engines) as EngineUse[];

  let cues = await transcribe(run);
  const assetIds = await writeSubtitles(
    run,
    L.source_lang,
    cues.map((c) => ({ startMs: c.start_ms, endMs: c.end_ms, text: c.text })),
  );
  if (L.mode === 'subtitles' || !L.target_lang) {
    ctx.progress(1, `${cues.length} cues`);
    markCuesRun(core, L.id);
    return { assetIds, result: { localizationId: L.id, cues: cues.length } };
  }
  const to = L.target_lang;
  const engines = resolveSpeechEngines();
  run.translator = await chooseTranslator(run, engines, to);
  const batches = Math.ceil(cues.length / TRANSLATE_BATCH);
  // Parts: translation batches, one per cue spoken, the mix, the mux. Each part's input hash is
  // what it is made from, so an edited cue redoes its own parts and the mix, nothing else.
  const speakHash = (c: CueRow, next: CueRow | undefined) =>
    hash(
      c.translation,
      to,
      c.start_ms,
      c.end_ms,
      next?.start_ms ?? null,
      engines.piper?.voice ?? engines.espeak,
    );
  const planFor = (rows: CueRow[]) => [
    ...Array.from({ length: batches }, (_, b) => ({
      label: `Translate ${b * TRANSLATE_BATCH + 1}–${Math.min(rows.length, (b + 1) * TRANSLATE_BATCH)}`,
      inputHash: hash(
        L.source_lang,
        to,
        rows
          .slice(b * TRANSLATE_BATCH, (b + 1) * TRANSLATE_BATCH)
          .map((c) => [c.text, c.translation_edited ? c.translation : null]),
      ),
    })),
    ...rows.map((c, i) => ({
      label: `Speak cue ${c.idx}`,
      startMs: c.start_ms,
      endMs: c.end_ms,
      inputHash: speakHash(c, rows[i + 1]),
    })),
    {
      label: 'Mix',
      inputHash: hash(
        rows.map((c, i) => speakHash(c, rows[i + 1])),
        run.options.originalVolume,
      ),
    },
    ...(L.mode === 'video'
      ? [
          {
            label: 'Mux',
            inputHash: hash(
              rows.map((c, i) => speakHash(c, rows[i + 1])),
              L.burn_in,
            ),
          },
        ]
      : []),
  ];
  ctx.segments.plan(planFor(cues));

  // 2. Translate, in batches; a translation the creator wrote is kept.
  for (let b = 0; b < batches; b++) {
    await ctx.segments.run(b, async () => {
      const batch = cueRows(core, L.id).slice(b * TRANSLATE_BATCH, (b + 1) * TRANSLATE_BATCH);
      const untranslated = batch.filter(
        (c) => !c.translation_edited && c.translation_hash !== hash(L.source_lang, to, c.text),
      );
      if (!untranslated.length) return { translated: 0 };
      const all = cueRows(core, L.id);
      const translated = await translate(run, engines, untranslated, all, to);
      untranslated.forEach((c) =>
        setCueFields(core, L.id, c.idx, {
          translation: translated.get(c.idx)!,
          translation_hash: hash(L.source_lang, to, c.text),
        }),
      );
      return { translated: untranslated.length };
    });
  }
  cues = cueRows(core, L.id);
  // The plan again: translations are now known, so the speech parts' hashes are final.
  ctx.segments.plan(planFor(cues));
  assetIds.push(
    ...(await writeSubtitles(
      run,
      to,
      cues.map((c) => ({ startMs: c.start_ms, endMs: c.end_ms, text: c.translation ?? '' })),
    )),
  );
  if (L.mode === 'translate') {
    ctx.progress(1, `${cues.length} cues in ${languageName(to)}`);
    markCuesRun(core, L.id);
    return { assetIds, result: { localizationId: L.id, cues: cues.length } };
  }

  // 3. Speak each cue and fit it to its slot.
  const rb = await hasRubberband(ctx, ffmpeg);
  for (const [i, c] of cues.entries()) {
    const next = cues[i + 1];
    const h = speakHash(c, next);
    // Named by what it is made of: cues split, merged or renumbered never pick up another's clip.
    const clip = clipFile(dir, h);
    await ctx.segments.run(batches + i, async () => {
      if (c.clip_hash === h && existsSync(clip)) return { reused: true };
      let text = (c.translation ?? '').trim();
      if (!text) {
        setCueFields(core, L.id, c.idx, {
          clip_hash: h,
          clip_ms: 0,
          speed: null,
          needs_shorter: 0,
        });
        return { empty: true };
      }
      const natural = ctx.tempPath(`cue-${c.idx}-natural.wav`);
      run.use(await speakRetrying(ctx, engines, text, to, 1, natural));
      const naturalMs = (await readWavInfo(natural)).durationMs;
      const fit = fitSpeech(
        naturalMs,
        { startMs: c.start_ms, endMs: c.end_ms },
        next?.start_ms ?? null,
      );
      let take = natural;
      if (fit.tooLong && run.chat && !c.translation_edited) {
        // The chat translator can say it in fewer words: ask once, and speak that instead.
        const shorter = await shortenWithChat(
          core,
          { text: c.text, translation: text, slotMs: c.end_ms - c.start_ms },
          to,
        ).catch(() => null);
        if (shorter) {
          setCueFields(core, L.id, c.idx, { translation: shorter });
          const again = ctx.tempPath(`cue-${c.idx}-shorter.wav`);
          await speakRetrying(ctx, engines, shorter, to, 1, again);
          const againMs = (await readWavInfo(again)).durationMs;
          Object.assign(
            fit,
            fitSpeech(againMs, { startMs: c.start_ms, endMs: c.end_ms }, next?.start_ms ?? null),
          );
          take = again;
          text = shorter;
        }
      }
      if (fit.engineRate > 1) {
        const fast = ctx.tempPath(`cue-${c.idx}-fast.wav`);
        await speakRetrying(ctx, engines, text, to, fit.engineRate, fast);
        take = fast;
      }
      const ms = await conformClip(ctx, ffmpeg, take, clip, fit.stretch, rb);
      setCueFields(core, L.id, c.idx, {
        clip_hash: h,
        clip_ms: Math.round(ms),
        speed: Math.round(fit.engineRate * fit.stretch * 100) / 100,
        needs_shorter: fit.tooLong ? 1 : 0,
      });
      core.events.emit('localize.changed', { id: L.id });
      return { ms: Math.round(ms), fit };
    });
  }
  cues = cueRows(core, L.id);

  // 4. Mix over the original.
  const durationMs =
    Math.round((asset.duration_sec ?? 0) * 1000) || (cues.at(-1)?.end_ms ?? 0) + 1000;
  const dub = path.join(dir, `${run.stem()}.${to}.dub.m4a`);
  await ctx.segments.run(batches + cues.length, async () => {
    const track = ctx.tempPath('dub.wav');
    await assembleTrack(
      cues
        .filter((c) => (c.clip_ms ?? 0) > 0)
        .map((c, i, all) => ({
          file: clipFile(dir, c.clip_hash!),
          startMs: c.start_ms,
          endMs: all[i + 1] ? all[i + 1]!.start_ms - FIT.guardMs : durationMs,
        })),
      durationMs,
      track,
    );
    await mixDub(
      ctx,
      ffmpeg,
      asset.path,
      !!asset.has_audio,
      track,
      run.options.originalVolume,
      dub,
    );
    return { dub };
  });
  if (L.mode === 'audio') {
    const tmp = ctx.tempPath('dub.m4a');
    await copyFile(dub, tmp);
    assetIds.push(
      await run.publish({ kind: 'dub', language: to, path: dub }, tmp, `${to}-dub`, 'm4a'),
    );
  } else run.output({ kind: 'dub', language: to, path: dub, assetId: null });

  // 5. Mux: the video with the dub (default), the original audio and both subtitles.
  if (L.mode === 'video') {
    const ext = /\.(mp4|m4v|mov)$/i.test(asset.path) ? 'mp4' : 'mkv';
    const muxed = ctx.tempPath(`localized.${ext}`);
    await ctx.segments.run(batches + cues.length + 1, async () => {
      await ctx.spawn(
        ffmpeg,
        muxArgs({
          video: asset.path,
          dub,
          dubLang: to,
          originalLang: L.source_lang,
          keepOriginal: !!asset.has_audio,
          subtitles: [
            { file: path.join(dir, `${run.stem()}.${L.source_lang}.srt`), lang: L.source_lang },
            { file: path.join(dir, `${run.stem()}.${to}.srt`), lang: to },
          ],
          out: muxed,
        }),
        { label: 'ffmpeg', progressRange: [0.92, 0.97] },
      );
      if (ext === 'mp4') await disableMp4SubtitleTracks(muxed);
      return { muxed: true };
    });
    if (existsSync(muxed)) {
      let burned: string | null = null;
      if (L.burn_in) {
        burned = ctx.tempPath(`burned.${ext}`);
        await ctx.spawn(
          ffmpeg,
          burnArgs(muxed, path.join(dir, `${run.stem()}.${to}.srt`), burned),
          {
            label: 'ffmpeg',
            progressRange: [0.97, 0.99],
          },
        );
      }
      assetIds.push(await run.publish({ kind: 'video', language: to, path: '' }, muxed, to, ext));
      if (burned)
        assetIds.push(
          await run.publish(
            { kind: 'burned', language: to, path: '' },
            burned,
            `${to}-subtitled`,
            ext,
            'localize_burn_in',
          ),
        );
    }
  }
  setLocalization(core, L.id, {
    engines: JSON.stringify(run.uses),
    outputs: JSON.stringify(run.outputs),
    error: null,
  });
  markCuesRun(core, L.id);
  return { assetIds, result: { localizationId: L.id, cues: cues.length } };
}

function kind(name: string): JobKind<typeof params> {
  return defineJobKind({
    kind: name,
    params,
    pools: ['cpu'],
    restart: 'resume',
    maxAttempts: 1,
    title: (p, core) => {
      try {
        const L = localizationRow(core, p.localizationId);
        const what =
          L.mode === 'subtitles' || L.mode === 'translate'
            ? 'Subtitles'
            : L.mode === 'audio'
              ? 'Dub'
              : 'Localise';
        return `${what}${L.target_lang ? ` → ${languageName(L.target_lang)}` : ''}`;
      } catch {
        return 'Localise';
      }
    },
    run: runLocalization,
  });
}

/** The three jobs the issue names: subtitles only, a dubbed audio track, a localised video. */
export const subtitlesKind = kind('subtitles');
export const audioTranslationKind = kind('audio_translation');
export const videoTranslationKind = kind('video_translation');
