import path from 'node:path';
import { AppError } from '../../contract/errors';
import type { LocalizationInfo, LocalizeEngineInfo, LocalizeMode } from '../../contract/localize';
import type { Atelier } from '../app/atelier';
import { statements } from '../db/statements';
import { runProgram } from '../engines/runProgram';
import { resolveSpeechEngines } from '../engines/speech';
import { enqueueJob } from '../jobs/enqueue';
import { getJobRow } from '../jobs/jobStore';
import { cancelJob, retryJob } from '../jobs/queue';
import { listEndpoints } from '../engines/endpoints';
import { loadSource } from '../process/kindSupport';
import { nowIso, uuidv7 } from '../util/ids';
import { languageCode } from '../../contract/languages';
import { getLocalizationInfo, localizationRow } from './localizeStore';
import { askArgosPairs, parseApertiumPairs } from './speechSteps';

const kindOf: Record<LocalizeMode, string> = {
  subtitles: 'subtitles',
  translate: 'subtitles',
  audio: 'audio_translation',
  video: 'video_translation',
};

export async function startLocalization(
  core: Atelier,
  input: {
    assetId: string;
    to?: string;
    from: string;
    mode: LocalizeMode;
    burnIn: boolean;
    originalVolume: number;
    translator: 'auto' | 'apertium' | 'argos' | 'llm';
  },
  userId: string | null,
): Promise<LocalizationInfo> {
  const asset = await loadSource(core, input.assetId, ['video', 'audio'], 'Localisation');
  if (input.mode === 'video' && asset.type !== 'video')
    throw new AppError(
      'invalid_input',
      `${asset.filename} is not a video: ask for subtitles or a dub track instead.`,
    );
  if (asset.type === 'video' && !asset.has_audio)
    throw new AppError(
      'invalid_input',
      `${asset.filename} has no audio track: there is no speech to transcribe.`,
    );
  const from = languageCode(input.from);
  const to = input.to ? languageCode(input.to) : null;
  if (to && to === from)
    throw new AppError('invalid_input', 'The video is already in that language.');
  const id = uuidv7();
  const at = nowIso();
  statements(core.sqlite)
    .get(
      `INSERT INTO localizations (id, asset_id, mode, source_lang, target_lang, burn_in, options, created_by, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      id,
      asset.id,
      input.mode,
      from,
      input.mode === 'subtitles' ? null : to,
      input.burnIn ? 1 : 0,
      JSON.stringify({ originalVolume: input.originalVolume, translator: input.translator }),
      userId,
      at,
      at,
    );
  try {
    const job = await enqueueJob(
      core,
      kindOf[input.mode],
      { localizationId: id },
      { assetId: asset.id, createdBy: userId },
    );
    statements(core.sqlite).get(`UPDATE localizations SET job_id = ? WHERE id = ?`).run(job.id, id);
  } catch (err) {
    statements(core.sqlite).get(`DELETE FROM localizations WHERE id = ?`).run(id);
    throw err;
  }
  core.events.emit('localize.changed', { id });
  return getLocalizationInfo(core, id);
}

/**
 * Runs it again after edits. Its outputs, clips and hashes are kept in its own folder, so only
 * what an edit changed is redone: the same job when it stopped, a new one after it completed.
 */
export async function rerunLocalization(
  core: Atelier,
  id: string,
  userId: string | null,
): Promise<LocalizationInfo> {
  const L = localizationRow(core, id);
  const job = L.job_id ? getJobRow(core.sqlite, L.job_id) : undefined;
  if (job && (job.status === 'queued' || job.status === 'running'))
    throw new AppError('conflict', 'It is already queued or running.');
  if (job && (job.status === 'failed' || job.status === 'cancelled')) retryJob(core, job.id);
  else {
    const next = await enqueueJob(
      core,
      kindOf[L.mode],
      { localizationId: id },
      { assetId: L.asset_id, createdBy: userId },
    );
    statements(core.sqlite)
      .get(`UPDATE localizations SET job_id = ?, error = NULL WHERE id = ?`)
      .run(next.id, id);
  }
  core.events.emit('localize.changed', { id });
  return getLocalizationInfo(core, id);
}

export function cancelLocalization(core: Atelier, id: string): LocalizationInfo {
  const L = localizationRow(core, id);
  if (L.job_id) cancelJob(core, L.job_id);
  return getLocalizationInfo(core, id);
}

/** What is installed, per stage, with the languages each one handles. */
export async function localizeEngines(core: Atelier): Promise<LocalizeEngineInfo[]> {
  const e = resolveSpeechEngines();
  const out: LocalizeEngineInfo[] = [];
  out.push({
    stage: 'recognition',
    id: 'whisper',
    label: 'whisper.cpp',
    path: e.whisper?.bin ?? null,
    ok: !!e.whisper,
    problem: e.whisper
      ? null
      : 'Set ATELIER_WHISPER_BIN (whisper-cli) and ATELIER_WHISPER_MODEL (a ggml model) for every language Whisper knows.',
    languages: e.whisper ? ['auto'] : [],
    license: 'MIT',
  });
  out.push({
    stage: 'recognition',
    id: 'pocketsphinx',
    label: `pocketsphinx${e.pocketsphinx ? ` ${e.pocketsphinx.flavour}` : ''}`,
    path: e.pocketsphinx?.bin ?? null,
    ok: !!e.pocketsphinx,
    problem: e.pocketsphinx ? null : 'Install pocketsphinx and pocketsphinx-en-us (English only).',
    languages: e.pocketsphinx ? ['en'] : [],
    license: 'BSD-2-Clause',
  });
  let pairs: string[] = [];
  if (e.apertium) {
    const r = await runProgram(e.apertium, ['-l'], {
      label: 'apertium',
      captureStdout: 'text',
      allowFailure: true,
      timeoutMs: 10_000,
    });
    pairs = parseApertiumPairs(r.stdout);
  }
  out.push({
    stage: 'translation',
    id: 'apertium',
    label: 'Apertium',
    path: e.apertium,
    ok: pairs.length > 0,
    problem: !e.apertium
      ? 'Install apertium and a language pair (e.g. apertium-eng-spa).'
      : pairs.length
        ? null
        : 'Apertium has no language pair installed.',
    languages: pairs.map((p) => p.replace('-', '→')),
    license: 'GPL-3.0',
  });
  const argos = await askArgosPairs(
    (file, args, options) => runProgram(file, args, { ...options, timeoutMs: 20_000 }),
    e,
  );
  out.push({
    stage: 'translation',
    id: 'argos',
    label: 'Argos Translate',
    path: e.argos?.bin ?? null,
    ok: !!argos.pairs?.length,
    problem: !e.argos
      ? 'Install Argos Translate (pip install argostranslate) and a language package (argospm install translate-en_es), or set ATELIER_ARGOS_BIN.'
      : (argos.problem ??
        (argos.pairs?.length
          ? null
          : 'Argos Translate has no language package installed: run argospm update, then argospm install translate-en_es.')),
    languages: (argos.pairs ?? []).map((p) => `${p.from}→${p.to}`),
    license: 'MIT or CC0; each language package its own',
  });
  const llm = listEndpoints(core).filter((x) => x.kind === 'llm' && x.enabled);
  out.push({
    stage: 'translation',
    id: 'llm',
    label: llm.length ? `Chat server ${llm.map((x) => `'${x.name}'`).join(', ')}` : 'Chat server',
    path: llm[0]?.url ?? null,
    ok: llm.length > 0,
    problem: llm.length
      ? null
      : 'Add an OpenAI-compatible chat server (llama-server, Ollama, LM Studio) in Settings → Engines to translate any pair.',
    languages: llm.length ? ['any'] : [],
    license: 'the model’s own',
  });
  out.push({
    stage: 'speech',
    id: 'piper',
    label: 'Piper',
    path: e.piper?.bin ?? null,
    ok: !!e.piper,
    problem: e.piper
      ? null
      : 'Set ATELIER_PIPER_BIN (piper) and ATELIER_PIPER_VOICE (an .onnx voice) for natural voices.',
    languages: e.piper ? [path.basename(e.piper.voice).split(/[-_]/)[0] ?? ''] : [],
    license: 'MIT (piper); each voice its own',
  });
  out.push({
    stage: 'speech',
    id: 'espeak-ng',
    label: 'espeak-ng',
    path: e.espeak,
    ok: !!e.espeak,
    problem: e.espeak ? null : 'Install espeak-ng.',
    languages: e.espeak ? ['many'] : [],
    license: 'GPL-3.0',
  });
  return out;
}
