import { parseArgs } from 'node:util';
import { modelKinds, type ModelInfo, type ModelKind } from '../../contract/models';
import { createApi } from '../../core/api/dispatch';
import { openForCli, resolveDataDir } from '../openCore';
import { printJson, UsageError, type CliIO } from '../output';
import { resolvePack } from './packs';

export const modelsHelp = `atelier models list [--pack PACK] [--search Q] [--json]
atelier models mark NAME --non-commercial|--commercial [--note "license text"] [--kind checkpoint|lora|…] [--json]
  The models and LoRAs your AI-generated assets were made with (read from their generation
  metadata), and what their licenses allow. A model marked non-commercial blocks the export of a
  commercial pack holding its output. NAME as the metadata writes it (folders, extension and case
  do not matter).`;

function line(m: ModelInfo): string {
  const license = m.nonCommercial ? 'NON-COMMERCIAL' : m.id ? 'commercial ok' : '—';
  const note = m.licenseNote ? `  (${m.licenseNote})` : '';
  return `${m.name.padEnd(40)} ${m.kind.padEnd(10)} ${String(m.assetCount).padStart(6)} assets  ${license}${note}`;
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
    },
    allowPositionals: true,
    strict: true,
  });
  if (sub !== 'list' && sub !== 'mark')
    throw new UsageError(`Unknown models subcommand: ${sub ?? '(none)'} (use list, mark)`);
  if (sub === 'mark') {
    if (positionals.length !== 1)
      throw new UsageError('mark takes one model name (quote it if it has spaces)');
    if (values['non-commercial'] === values.commercial)
      throw new UsageError('Say --non-commercial or --commercial');
    if (values.kind && !(modelKinds as readonly string[]).includes(values.kind))
      throw new UsageError(`--kind: use ${modelKinds.join(', ')}`);
  }
  const core = await openForCli(resolveDataDir(values['data-dir']), 'cli', false);
  try {
    const api = createApi(core);
    const call = async <T>(method: string, input: unknown): Promise<T> => {
      const r = await api.invoke(method, input);
      if (!r.ok) throw new UsageError(r.error.message);
      return r.value as T;
    };
    if (sub === 'list') {
      const list = await call<ModelInfo[]>('models.list', {
        packId: values.pack ? resolvePack(core, values.pack) : undefined,
        search: values.search,
        limit: 5000,
      });
      if (values.json) printJson(io, list);
      else if (list.length === 0)
        io.out(
          values.pack
            ? 'No AI-generated asset in this pack names a model.'
            : 'No AI-generated asset names a model yet.',
        );
      else for (const m of list) io.out(line(m));
      return 0;
    }
    const m = await call<ModelInfo>('models.setLicense', {
      name: positionals[0],
      nonCommercial: values['non-commercial'],
      ...(values.note !== undefined ? { licenseNote: values.note } : {}),
      ...(values.kind ? { kind: values.kind as ModelKind } : {}),
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
