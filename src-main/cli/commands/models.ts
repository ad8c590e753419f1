import { parseArgs } from 'node:util';
import {
  modelFamilies,
  modelKinds,
  type ModelInfo,
  type ModelKind,
  type ModelScanSummary,
} from '../../contract/models';
import { createApi } from '../../core/api/dispatch';
import { openForCli, resolveDataDir } from '../openCore';
import { formatBytes, printJson, UsageError, type CliIO } from '../output';
import { resolvePack } from './packs';

export const modelsHelp = `atelier models scan [--json]
atelier models list [--kind checkpoint|lora|vae|upscaler] [--family sd15|sdxl|flux|…] [--available] [--pack PACK] [--search Q] [--json]
atelier models show NAME [--json]
atelier models mark NAME [--non-commercial|--commercial] [--note "license text"] [--trigger WORD] [--description TEXT] [--kind …] [--json]
  Your models and LoRAs: the files in the model folders (data dir's models/, plus Settings →
  Engines) and on ComfyUI servers and sd-servers, and the ones your AI-generated assets name.
  scan reads file headers (family, trigger words, base model; SHA-256 hashed in the background).
  A model marked non-commercial blocks the export of a commercial pack holding its output. NAME is
  a name, file name, AutoV2 hash or id (folders, extension and case do not matter).`;

function line(m: ModelInfo): string {
  const license = m.nonCommercial ? 'NON-COMMERCIAL' : m.id ? 'commercial ok' : '—';
  const note = m.licenseNote ? `  (${m.licenseNote})` : '';
  const where = m.files.length
    ? `${m.files.length} file${m.files.length === 1 ? '' : 's'}`
    : 'no file';
  return `${m.name.padEnd(40)} ${m.kind.padEnd(10)} ${(m.family ?? '').padEnd(6)} ${where.padEnd(8)} ${String(m.assetCount).padStart(6)} assets  ${license}${note}`;
}

function details(io: CliIO, m: ModelInfo): void {
  io.out(line(m));
  const rows: [string, string | null][] = [
    ['id', m.id],
    ['base model', m.baseModel],
    ['resolution', m.resolution],
    ['AutoV2', m.autov2],
    ['size', m.sizeBytes === null ? null : formatBytes(m.sizeBytes)],
    ['trigger', m.triggerToken],
    ['trigger words', m.triggerWords.length ? m.triggerWords.join(', ') : null],
    ['description', m.description],
  ];
  for (const [k, v] of rows) if (v) io.out(`  ${k.padEnd(14)} ${v}`);
  for (const f of m.files)
    io.out(`  file           ${f.locationLabel}: ${f.path}${f.problem ? ` (${f.problem})` : ''}`);
}

export async function modelsCommand(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      pack: { type: 'string' },
      search: { type: 'string' },
      'non-commercial': { type: 'boolean', default: false },
      commercial: { type: 'boolean', default: false },
      note: { type: 'string' },
      kind: { type: 'string' },
      family: { type: 'string' },
      available: { type: 'boolean' },
      trigger: { type: 'string' },
      description: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (!sub || !['scan', 'list', 'show', 'mark'].includes(sub))
    throw new UsageError(
      `Unknown models subcommand: ${sub ?? '(none)'} (use scan, list, show, mark)`,
    );
  if (sub === 'show' && positionals.length !== 1) throw new UsageError('show takes one model name');
  if (values.kind && !(modelKinds as readonly string[]).includes(values.kind))
    throw new UsageError(`--kind: use ${modelKinds.join(', ')}`);
  if (values.family && !(modelFamilies as readonly string[]).includes(values.family))
    throw new UsageError(`--family: use ${modelFamilies.join(', ')}`);
  if (sub === 'mark') {
    if (positionals.length !== 1)
      throw new UsageError('mark takes one model name (quote it if it has spaces)');
    if (values['non-commercial'] && values.commercial)
      throw new UsageError('Say --non-commercial or --commercial, not both');
    if (
      !values['non-commercial'] &&
      !values.commercial &&
      values.trigger === undefined &&
      values.description === undefined &&
      values.note === undefined
    )
      throw new UsageError(
        'Say what to record: --non-commercial, --commercial, --note, --trigger or --description',
      );
  }
  const core = await openForCli(resolveDataDir(values['data-dir']), 'cli', false);
  try {
    const api = createApi(core);
    const call = async <T>(method: string, input: unknown): Promise<T> => {
      const r = await api.invoke(method, input);
      if (!r.ok) throw new UsageError(r.error.message);
      return r.value as T;
    };
    if (sub === 'scan') {
      const r = await call<ModelScanSummary>('models.scan', {});
      if (values.json) printJson(io, r);
      else {
        io.out(
          `${r.files} file${r.files === 1 ? '' : 's'}, ${r.models} model${r.models === 1 ? '' : 's'} (${r.added} new, ${r.changed} changed) in ${r.durationMs} ms`,
        );
        for (const p of r.problems) io.out(`  not a model: ${p.path}: ${p.problem}`);
        for (const p of r.serverProblems) io.out(`  server ${p.endpointId}: ${p.problem}`);
      }
      return 0;
    }
    if (sub === 'show') {
      const m = await call<ModelInfo>('models.get', { ref: positionals[0] });
      if (values.json) printJson(io, m);
      else details(io, m);
      return 0;
    }
    if (sub === 'list') {
      const list = await call<ModelInfo[]>('models.list', {
        packId: values.pack ? resolvePack(core, values.pack) : undefined,
        search: values.search,
        ...(values.kind ? { kind: values.kind } : {}),
        ...(values.family ? { family: values.family } : {}),
        ...(values.available !== undefined ? { available: values.available } : {}),
        limit: 5000,
      });
      if (values.json) printJson(io, list);
      else if (list.length === 0)
        io.out(
          values.pack
            ? 'No AI-generated asset in this pack names a model.'
            : 'No models yet: put model files in the models folder of the data dir (or add folders in Settings → Engines) and run `atelier models scan`.',
        );
      else for (const m of list) io.out(line(m));
      return 0;
    }
    let m: ModelInfo;
    if (values['non-commercial'] || values.commercial || values.kind) {
      m = await call<ModelInfo>('models.setLicense', {
        name: positionals[0],
        nonCommercial:
          values['non-commercial'] ||
          (!values.commercial &&
            (await call<ModelInfo>('models.get', { ref: positionals[0] })).nonCommercial),
        ...(values.note !== undefined ? { licenseNote: values.note } : {}),
        ...(values.kind ? { kind: values.kind as ModelKind } : {}),
      });
    }
    m = await call<ModelInfo>('models.update', {
      ref: positionals[0],
      ...(values.note !== undefined ? { licenseNote: values.note } : {}),
      ...(values.trigger !== undefined ? { triggerToken: values.trigger } : {}),
      ...(values.description !== undefined ? { description: values.description } : {}),
    });
    if (values.json) printJson(io, m);
    else
      io.out(
        `${m.name}: ${m.nonCommercial ? 'marked non-commercial' : 'commercial use allowed'}${m.assetCount ? ` (${m.assetCount} asset${m.assetCount === 1 ? '' : 's'})` : ' (no asset names it yet)'}`,
      );
    return 0;
  } finally {
    await core.dispose();
  }
}
