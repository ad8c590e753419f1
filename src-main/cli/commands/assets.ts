import { parseArgs } from 'node:util';
import { assetTypes, type AssetPage } from '../../contract/library';
import { createApi } from '../../core/api/dispatch';
import { openForCli, resolveDataDir } from '../openCore';
import { formatBytes, printJson, UsageError, type CliIO } from '../output';

export const assetsHelp = `atelier assets list [--data-dir DIR] [--json] [--search Q] [--type image|audio|video|subtitles] [--limit N] [--missing]
  Lists assets, newest first (or by relevance with --search).`;

export async function assetsCommand(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'list')
    throw new UsageError(sub ? `Unknown assets command: ${sub}` : 'Missing subcommand: list');
  const { values } = parseArgs({
    args: rest,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      search: { type: 'string' },
      type: { type: 'string' },
      limit: { type: 'string', default: '100' },
      missing: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.type && !(assetTypes as readonly string[]).includes(values.type)) {
    throw new UsageError(`--type must be one of ${assetTypes.join(', ')}`);
  }
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    throw new UsageError('--limit must be 1–500');
  const core = await openForCli(resolveDataDir(values['data-dir']), 'cli', false);
  let page: AssetPage;
  try {
    const r = await createApi(core).invoke('assets.list', {
      limit,
      ...(values.search ? { search: values.search } : {}),
      ...(values.type ? { type: values.type } : {}),
      ...(values.missing ? { missing: true } : {}),
    });
    if (!r.ok) throw new UsageError(r.error.message);
    page = r.value as AssetPage;
  } finally {
    await core.dispose();
  }
  if (values.json) {
    printJson(io, page);
    return 0;
  }
  if (page.items.length === 0) io.out('No assets.');
  for (const a of page.items) {
    const dims =
      a.width && a.height
        ? `${a.width}×${a.height}`
        : a.durationSec
          ? `${a.durationSec.toFixed(1)} s`
          : '';
    io.out(
      `${a.id}  ${a.type.padEnd(9)}  ${dims.padEnd(10)}  ${formatBytes(a.sizeBytes).padStart(8)}  ${a.missing ? '[missing] ' : ''}${a.path}`,
    );
  }
  if (page.nextCursor) io.out(`… more (use --limit or --json for the cursor)`);
  return 0;
}
