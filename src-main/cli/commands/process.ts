import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ProcessRunInput, ProcessRunResult } from '../../contract/process';
import { transcodeFormats } from '../../contract/process';
import type { Atelier } from '../../core/app/atelier';
import { call, createApi } from '../../core/api/dispatch';
import { printJson, UsageError, type CliIO } from '../output';
import { jobLine, openForJobs } from './jobs';
import { runAndWait } from './runAndWait';

export const processHelp = `atelier process upscale ASSET… [--scale 2|3|4] [--model realesrgan-x4plus|realesrgan-x4fast] [--engine auto|ai|lanczos] [--tile N] [--gpu N] [--format png|jpg|webp]
atelier process denoise ASSET… [--method afftdn|anlmdn|hqdn3d|nlmeans] [--strength 0..1]
atelier process enhance ASSET… [--lufs -14]
atelier process transcode ASSET… --format png|jpg|webp|wav|mp3|flac|mp4|webm [--quality high|medium|small] [--max-size PX]
  Queue processing for assets (ids or file paths already in the library). Outputs become assets
  linked to their source. --wait runs the jobs here with a progress bar and exits when they end
  (0 if all completed); without it they run when the app or \`atelier serve\` next runs.
  --json prints the result as JSON.`;

export async function resolveAssetIds(core: Atelier, refs: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const ref of refs) {
    const byId = await core.db
      .selectFrom('assets')
      .select('id')
      .where('id', '=', ref)
      .executeTakeFirst();
    const row =
      byId ??
      (await core.db
        .selectFrom('assets')
        .select('id')
        .where('path', '=', path.resolve(ref))
        .executeTakeFirst());
    if (!row)
      throw new UsageError(
        `Not in the library: ${ref} (give an asset id, or the path of a file Atelier has ingested)`,
      );
    ids.push(row.id);
  }
  return ids;
}

const num = (v: string | undefined, name: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got ${v}`);
  return n;
};

function buildInput(
  action: string,
  assetIds: string[],
  v: Record<string, string | boolean | undefined>,
  kindOf: (m?: string) => 'denoise_audio' | 'denoise_video',
): ProcessRunInput {
  const s = (k: string) => v[k] as string | undefined;
  const drop = <T extends object>(o: T) =>
    Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined)) as T;
  switch (action) {
    case 'upscale':
      return {
        kind: 'upscale',
        assetIds,
        params: drop({
          scale: num(s('scale'), 'scale') as 2 | 3 | 4 | undefined,
          model: s('model') as never,
          engine: s('engine') as never,
          tileSize: num(s('tile'), 'tile'),
          gpuIndex: num(s('gpu'), 'gpu'),
          format: s('format') as never,
        }),
      };
    case 'denoise': {
      const kind = kindOf(s('method'));
      return {
        kind,
        assetIds,
        params: drop({ method: s('method') as never, strength: num(s('strength'), 'strength') }),
      } as ProcessRunInput;
    }
    case 'enhance':
      return { kind: 'enhance', assetIds, params: drop({ targetLufs: num(s('lufs'), 'lufs') }) };
    case 'transcode':
      if (!s('format'))
        throw new UsageError(`transcode needs --format (${transcodeFormats.join(', ')})`);
      return {
        kind: 'transcode',
        assetIds,
        params: drop({
          format: s('format') as never,
          quality: s('quality') as never,
          maxSize: num(s('max-size'), 'max-size'),
        }),
      };
    default:
      throw new UsageError(`Unknown process action: ${action}`);
  }
}

export async function processCommand(argv: string[], io: CliIO): Promise<number> {
  const [action, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      wait: { type: 'boolean', default: false },
      scale: { type: 'string' },
      model: { type: 'string' },
      engine: { type: 'string' },
      tile: { type: 'string' },
      gpu: { type: 'string' },
      format: { type: 'string' },
      method: { type: 'string' },
      strength: { type: 'string' },
      lufs: { type: 'string' },
      quality: { type: 'string' },
      'max-size': { type: 'string' },
      priority: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (!action || !['upscale', 'denoise', 'enhance', 'transcode'].includes(action))
    throw new UsageError(`Unknown process action: ${action ?? '(none)'}`);
  if (positionals.length === 0)
    throw new UsageError('Give at least one ASSET (an asset id or a file path in the library)');
  const core = await openForJobs(values['data-dir']);
  try {
    const api = createApi(core);
    const assetIds = await resolveAssetIds(core, positionals);
    let denoiseKind: 'denoise_audio' | 'denoise_video' = 'denoise_audio';
    if (action === 'denoise') {
      const types = new Set(
        (
          await core.db.selectFrom('assets').select('type').where('id', 'in', assetIds).execute()
        ).map((r) => r.type),
      );
      if (types.size > 1 || types.has('image'))
        throw new UsageError('denoise takes audio files or video files (one kind per command)');
      denoiseKind = types.has('video') ? 'denoise_video' : 'denoise_audio';
      const m = values.method;
      if (m && (denoiseKind === 'denoise_audio') !== (m === 'afftdn' || m === 'anlmdn')) {
        throw new UsageError(
          `--method ${m} does not apply to ${denoiseKind === 'denoise_audio' ? 'audio (afftdn, anlmdn)' : 'video (hqdn3d, nlmeans)'}`,
        );
      }
    }
    const input = {
      ...buildInput(action, assetIds, values, () => denoiseKind),
      priority: num(values.priority, 'priority') ?? 0,
    };
    const run = (await call(api, 'process.run', input)) as ProcessRunResult;
    if (!values.wait) {
      if (values.json) printJson(io, run);
      else
        io.out(
          `Queued ${run.jobId}${run.childJobIds.length ? ` (${run.childJobIds.length} jobs)` : ''}. It runs when the app or \`atelier serve\` runs; add --wait to run it now.`,
        );
      return 0;
    }
    const final = await runAndWait(core, run.jobId, io, values.json);
    if (values.json) printJson(io, final);
    else {
      io.out(jobLine(final));
      if (final.outputAssetIds.length) io.out(`Outputs: ${final.outputAssetIds.join(', ')}`);
    }
    return final.status === 'completed' ? 0 : 1;
  } finally {
    await core.dispose();
  }
}
