import { parseArgs } from 'node:util';
import { AppError } from '../../contract/errors';
import {
  licenseLabels,
  licenseTypes,
  presetIds,
  type PackLicenseType,
  type PackSummary,
  type PresetId,
} from '../../contract/packs';
import { createApi } from '../../core/api/dispatch';
import type { Atelier } from '../../core/app/atelier';
import type { ProjectInfo } from '../../contract/projects';
import { exportPack, packIdByRef } from '../../core/api/host';
import { formatBytes, printJson, UsageError, type CliIO } from '../output';
import { openForJobs } from './jobs';
import { progressBar } from './progressText';

export const packsHelp = `atelier packs list [--json]
atelier packs create NAME [--license TYPE] [--theme T] [--description D] [--version V] [--project P] [--json]
atelier packs show PACK [--json]
atelier packs add PACK ASSET_ID… | --query "full-text search"
atelier packs remove PACK ASSET_ID…
atelier packs export PACK [--preset standard|gumroad|etsy|creative_market|itchio] [--out DIR] [--block-missing] [--json]
  Sellable asset packs. PACK is a pack id or slug. export writes marketplace-ready ZIP(s),
  verified before they take their final names. License types: ${licenseTypes.join(', ')}.`;

async function api<T>(core: Atelier, method: string, input: unknown): Promise<T> {
  const r = await createApi(core).invoke(method, input);
  if (!r.ok) throw new AppError(r.error.code, r.error.message);
  return r.value as T;
}

export function resolvePack(core: Atelier, ref: string): string {
  return packIdByRef(core, ref);
}

function packLine(p: PackSummary): string {
  const exported = p.exportedAt
    ? `exported ${p.exportedAt.slice(0, 16).replace('T', ' ')}`
    : 'never exported';
  return `${p.slug.padEnd(28)} ${String(p.assetCount).padStart(5)} assets ${formatBytes(p.totalSizeBytes).padStart(8)}  v${p.version.padEnd(7)} ${licenseLabels[p.licenseType].padEnd(22)} ${exported}`;
}

/** A project by id or (without case) by name. */
async function resolveProject(core: Atelier, ref: string): Promise<string> {
  const list = await api<ProjectInfo[]>(core, 'projects.list', {});
  const p = list.find((x) => x.id === ref || x.name.toLowerCase() === ref.toLowerCase());
  if (!p) throw new UsageError(`No project “${ref}” (see the Projects page for their names)`);
  return p.id;
}

export async function packsCommand(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      license: { type: 'string' },
      theme: { type: 'string' },
      description: { type: 'string' },
      version: { type: 'string' },
      project: { type: 'string' },
      query: { type: 'string' },
      preset: { type: 'string' },
      out: { type: 'string' },
      'block-missing': { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const subs = ['list', 'create', 'show', 'add', 'remove', 'export'];
  if (!sub || !subs.includes(sub))
    throw new UsageError(`Unknown packs subcommand: ${sub ?? '(none)'} (use ${subs.join(', ')})`);
  if (values.license && !(licenseTypes as readonly string[]).includes(values.license)) {
    throw new UsageError(
      `--license: unknown type ${values.license} (use ${licenseTypes.join(', ')})`,
    );
  }
  if (values.preset && !(presetIds as readonly string[]).includes(values.preset)) {
    throw new UsageError(`--preset: unknown preset ${values.preset} (use ${presetIds.join(', ')})`);
  }
  if (sub !== 'list' && positionals.length === 0)
    throw new UsageError(`atelier packs ${sub} needs ${sub === 'create' ? 'a NAME' : 'a PACK'}`);
  const core = await openForJobs(values['data-dir']);
  try {
    switch (sub) {
      case 'list': {
        const packs = await api<PackSummary[]>(core, 'packs.list', {});
        if (values.json) printJson(io, packs);
        else if (packs.length === 0)
          io.out('No packs yet. Create one: atelier packs create "My pack"');
        else for (const p of packs) io.out(packLine(p));
        return 0;
      }
      case 'create': {
        const p = await api<PackSummary>(core, 'packs.create', {
          name: positionals.join(' '),
          licenseType: values.license as PackLicenseType | undefined,
          theme: values.theme,
          description: values.description,
          version: values.version,
          ...(values.project ? { projectId: await resolveProject(core, values.project) } : {}),
        });
        if (values.json) printJson(io, p);
        else io.out(`Created ${p.name} (slug ${p.slug}, id ${p.id})`);
        return 0;
      }
      case 'show': {
        const id = resolvePack(core, positionals[0]!);
        const pack = await api<PackSummary>(core, 'packs.get', { id });
        const assets = await api<{
          items: {
            assetId: string;
            effectiveName: string;
            type: string;
            sizeBytes: number;
            status: string;
            missing: boolean;
          }[];
        }>(core, 'packs.assets', { packId: id, limit: 500 });
        const report = await api<{
          issues: { severity: string; message: string; accepted: boolean }[];
          blocking: number;
        }>(core, 'packs.check', { packId: id });
        const exports = await api<
          { status: string; startedAt: string; files: { path: string }[]; error: string | null }[]
        >(core, 'packs.exports', { packId: id, limit: 5 });
        if (values.json) {
          printJson(io, { pack, assets: assets.items, checks: report, exports });
          return 0;
        }
        io.out(
          `${pack.name}  (${pack.slug}, v${pack.version}, ${licenseLabels[pack.licenseType]})`,
        );
        if (pack.description) io.out(`  ${pack.description.split('\n')[0]}`);
        io.out(`  ${pack.assetCount} assets, ${formatBytes(pack.totalSizeBytes)}`);
        for (const a of assets.items)
          io.out(
            `    ${a.assetId}  ${a.type.padEnd(5)} ${formatBytes(a.sizeBytes).padStart(8)}  ${a.status.padEnd(8)} ${a.effectiveName}${a.missing ? '  (missing)' : ''}`,
          );
        if (pack.assetCount > assets.items.length)
          io.out(`    … and ${pack.assetCount - assets.items.length} more`);
        io.out(
          report.issues.length ? `  Checks (${report.blocking} blocking):` : '  Checks: all clear',
        );
        for (const i of report.issues)
          io.out(
            `    ${i.severity === 'error' ? '✗' : i.severity === 'warning' ? '!' : 'i'} ${i.message}${i.accepted ? ' (accepted)' : ''}`,
          );
        for (const e of exports)
          io.out(
            `  Export ${e.startedAt.slice(0, 19).replace('T', ' ')} ${e.status}: ${e.files.map((f) => f.path).join(', ') || e.error || ''}`,
          );
        return 0;
      }
      case 'add':
      case 'remove': {
        const id = resolvePack(core, positionals[0]!);
        const assetIds = positionals.slice(1);
        if (sub === 'add') {
          if (!assetIds.length && !values.query)
            throw new UsageError('atelier packs add needs ASSET_IDs or --query');
          const r = await api<{ added: number; pack: PackSummary }>(core, 'packs.addAssets', {
            packId: id,
            assetIds: assetIds.length ? assetIds : undefined,
            query: values.query,
          });
          if (values.json) printJson(io, r);
          else
            io.out(
              `Added ${r.added}; ${r.pack.name} now has ${r.pack.assetCount} assets (${formatBytes(r.pack.totalSizeBytes)})`,
            );
        } else {
          if (!assetIds.length) throw new UsageError('atelier packs remove needs ASSET_IDs');
          const r = await api<{ removed: number; pack: PackSummary }>(core, 'packs.removeAssets', {
            packId: id,
            assetIds,
          });
          if (values.json) printJson(io, r);
          else io.out(`Removed ${r.removed}; ${r.pack.name} now has ${r.pack.assetCount} assets`);
        }
        return 0;
      }
      case 'export': {
        const id = resolvePack(core, positionals[0]!);
        const ac = new AbortController();
        const onSigint = () => ac.abort(new Error('Cancelled'));
        process.once('SIGINT', onSigint);
        const interactive = !values.json && process.stderr.isTTY;
        try {
          const record = await exportPack(
            core,
            id,
            {
              preset: (values.preset as PresetId | undefined) ?? 'standard',
              outDir: values.out,
              onMissing: values['block-missing'] ? 'block' : 'skip',
            },
            {
              signal: ac.signal,
              onProgress: (f, m) =>
                interactive &&
                process.stderr.write(`\r${progressBar(f)} ${m.slice(0, 50).padEnd(50)}`),
            },
          );
          if (interactive) process.stderr.write('\n');
          if (values.json) {
            printJson(io, record);
            return 0;
          }
          for (const f of record.files)
            io.out(`${f.path}  ${formatBytes(f.bytes)}  sha256 ${f.sha256}`);
          for (const s of record.skipped) io.err(`left out ${s.filename}: ${s.reason}`);
          io.out(`Exported ${record.assetCount} assets; verified in ${record.verifyMs} ms.`);
          return 0;
        } finally {
          process.off('SIGINT', onSigint);
        }
      }
    }
    return 2;
  } finally {
    await core.dispose();
  }
}
