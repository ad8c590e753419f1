import { parseArgs } from 'node:util';
import type {
  LocalizationDetail,
  LocalizationInfo,
  LocalizeEngineInfo,
} from '../../contract/localize';
import { call, createApi } from '../../core/api/dispatch';
import { printJson, UsageError, type CliIO } from '../output';
import { openForJobs } from './jobs';
import { resolveAssetIds } from './process';
import { runAndWait } from './runAndWait';

export const localizeHelp = `atelier localize ASSET --to LANG [--from LANG] [--subtitles-only | --subtitles | --dub] [--burn-in]
                 [--translator auto|apertium|argos|llm] [--original-volume X] [--wait] [--json]
atelier localize engines [--json]
atelier localize list [--json]
atelier localize show LOCALIZATION [--json]
  Localise a video with your own engines: subtitles (--subtitles-only: in its language), translated
  subtitles (--subtitles), a dubbed audio track (--dub), or by default a video with the dub as its
  default audio, the original kept, and soft subtitles in both languages (--burn-in also makes a
  copy with the translation burned in). Recognition: whisper.cpp (ATELIER_WHISPER_BIN +
  ATELIER_WHISPER_MODEL) or pocketsphinx (English); translation (--translator): Apertium, Argos
  Translate (argos-translate, its pairs from argospm) or the chat server added with \`atelier engines
  add llm URL\`; auto takes the first that has the pair, in that order; speech: Piper or espeak-ng.
  --wait runs it here and prints the outputs: subtitles (SRT and WebVTT per language), the dub
  and the videos are Library assets derived from the source; running it again replaces them.
  LANG: en, es, fr…`;

export async function localizeCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      wait: { type: 'boolean', default: false },
      to: { type: 'string' },
      from: { type: 'string' },
      'subtitles-only': { type: 'boolean', default: false },
      subtitles: { type: 'boolean', default: false },
      dub: { type: 'boolean', default: false },
      'burn-in': { type: 'boolean', default: false },
      'original-volume': { type: 'string' },
      translator: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const translators = ['auto', 'apertium', 'argos', 'llm'] as const;
  const translator = values.translator as (typeof translators)[number] | undefined;
  if (translator !== undefined && !translators.includes(translator))
    throw new UsageError(`--translator takes ${translators.join(', ')}`);
  const modes = [values['subtitles-only'], values.subtitles, values.dub].filter(Boolean).length;
  if (modes > 1) throw new UsageError('Choose one of --subtitles-only, --subtitles and --dub');
  const core = await openForJobs(values['data-dir']);
  try {
    const api = createApi(core);
    if (positionals[0] === 'engines') {
      const list = (await call(api, 'localize.engines', {})) as LocalizeEngineInfo[];
      if (values.json) printJson(io, list);
      else
        for (const e of list)
          io.out(
            `${e.stage.padEnd(12)} ${e.label.padEnd(18)} ${e.ok ? `ok  ${e.languages.join(', ')}` : `—   ${e.problem}`}`,
          );
      return 0;
    }
    if (positionals[0] === 'list') {
      const list = (await call(api, 'localize.list', {})) as LocalizationInfo[];
      if (values.json) printJson(io, list);
      else if (!list.length) io.out('No localisations.');
      else
        for (const L of list)
          io.out(
            `${L.id}  ${L.mode.padEnd(9)} ${`${L.from}${L.to ? `→${L.to}` : ''}`.padEnd(7)} ${L.status.padEnd(9)} ${String(L.cueCount).padStart(4)} cues  ${L.filename}`,
          );
      return 0;
    }
    if (positionals[0] === 'show') {
      if (!positionals[1]) throw new UsageError('show takes a LOCALIZATION id');
      const d = (await call(api, 'localize.get', { id: positionals[1] })) as LocalizationDetail;
      if (values.json) printJson(io, d);
      else {
        io.out(
          `${d.filename}: ${d.mode} ${d.from}${d.to ? `→${d.to}` : ''}, ${d.status}, ${d.cueCount} cues`,
        );
        for (const c of d.cues)
          io.out(
            `  ${c.index}. ${(c.startMs / 1000).toFixed(2)}–${(c.endMs / 1000).toFixed(2)} ${c.text.replace(/\n/g, ' / ')}${c.translation ? `  →  ${c.translation}` : ''}${c.needsShorterLine ? '  (needs a shorter line)' : ''}`,
          );
      }
      return 0;
    }
    if (positionals.length !== 1)
      throw new UsageError('localize takes one ASSET (an id or the path of an ingested file)');
    const mode = values['subtitles-only']
      ? 'subtitles'
      : values.subtitles
        ? 'translate'
        : values.dub
          ? 'audio'
          : 'video';
    if (mode !== 'subtitles' && !values.to)
      throw new UsageError('--to LANG is needed (e.g. --to es)');
    const [assetId] = await resolveAssetIds(core, positionals);
    const L = (await call(api, 'localize.start', {
      assetId,
      mode,
      ...(values.to ? { to: values.to } : {}),
      ...(values.from ? { from: values.from } : {}),
      burnIn: values['burn-in'],
      ...(translator ? { translator } : {}),
      ...(values['original-volume'] ? { originalVolume: Number(values['original-volume']) } : {}),
    })) as LocalizationInfo;
    if (!values.wait) {
      if (values.json) printJson(io, L);
      else io.out(`Queued ${L.id} (${mode}). Follow it with \`atelier jobs show ${L.jobId}\`.`);
      return 0;
    }
    const job = await runAndWait(core, L.jobId!, io, values.json);
    const done = (await call(api, 'localize.get', { id: L.id })) as LocalizationDetail;
    if (values.json) printJson(io, done);
    else {
      io.out(
        `${done.filename}: ${done.status}, ${done.cueCount} cues${done.needsShorter ? `, ${done.needsShorter} need a shorter line` : ''} (localisation ${done.id})`,
      );
      for (const o of done.outputs)
        io.out(`  ${o.kind.padEnd(6)} ${o.language}  ${o.assetId ? `asset ${o.assetId}` : o.path}`);
      if (done.error) io.err(done.error);
    }
    return job.status === 'completed' ? 0 : 1;
  } finally {
    await core.dispose();
  }
}
