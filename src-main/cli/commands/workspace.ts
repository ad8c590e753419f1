import { parseArgs } from 'node:util';
import type { WorkspaceItemInfo, WorkspaceSessionInfo } from '../../contract/batches';
import { call, createApi } from '../../core/api/dispatch';
import { openForCli, resolveDataDir } from '../openCore';
import { printJson, UsageError, type CliIO } from '../output';

export const workspaceHelp = `atelier workspace [list] [--json]
atelier workspace show SESSION [--all] [--json]
atelier workspace keep ITEM… [--tag T]… [--collection ID]
atelier workspace discard ITEM…
  Images generated with --workspace wait here until kept (they become Library assets, with their
  prompt, seed and model) or discarded (their files are deleted); unkept ones expire after the
  days set in Settings (7 by default).`;

export async function workspaceCommand(argv: string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  const sub = first && !first.startsWith('-') ? first : 'list';
  const { values, positionals } = parseArgs({
    args: first && !first.startsWith('-') ? rest : argv,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
      tag: { type: 'string', multiple: true },
      collection: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (!['list', 'show', 'keep', 'discard'].includes(sub))
    throw new UsageError(`Unknown workspace subcommand: ${sub} (use list, show, keep, discard)`);
  if (sub === 'show' && positionals.length !== 1) throw new UsageError('show takes one SESSION id');
  if ((sub === 'keep' || sub === 'discard') && !positionals.length)
    throw new UsageError(`${sub} takes the ITEM ids`);
  const core = await openForCli(resolveDataDir(values['data-dir']), 'cli', false);
  try {
    const api = createApi(core);
    if (sub === 'list') {
      const list = (await call(api, 'workspace.sessions', {
        limit: 100,
      })) as WorkspaceSessionInfo[];
      if (values.json) printJson(io, list);
      else if (!list.length)
        io.out('The workspace is empty: `atelier generate … --workspace` stages images here.');
      else
        for (const s of list)
          io.out(
            `${s.id}  ${String(s.staged).padStart(4)} staged ${String(s.kept).padStart(4)} kept ${String(s.discarded).padStart(4)} discarded  ${s.title}`,
          );
      return 0;
    }
    if (sub === 'show') {
      const items = (await call(api, 'workspace.items', {
        sessionId: positionals[0]!,
        status: values.all ? 'all' : 'staged',
        limit: 5000,
      })) as WorkspaceItemInfo[];
      if (values.json)
        printJson(
          io,
          items.map(({ thumb: _t, ...i }) => i),
        );
      else
        for (const i of items)
          io.out(
            `${i.id}  ${i.status.padEnd(9)} seed ${String(i.seed).padEnd(12)} ${i.prompt ?? ''}`,
          );
      return 0;
    }
    if (sub === 'keep') {
      const r = (await call(api, 'workspace.keep', {
        ids: positionals,
        tags: values.tag ?? [],
        ...(values.collection ? { collectionId: values.collection } : {}),
      })) as { kept: { id: string; assetId: string }[] };
      if (values.json) printJson(io, r);
      else for (const k of r.kept) io.out(`kept ${k.id} → asset ${k.assetId}`);
      return 0;
    }
    const r = (await call(api, 'workspace.discard', { ids: positionals })) as { discarded: number };
    if (values.json) printJson(io, r);
    else io.out(`Discarded ${r.discarded} image${r.discarded === 1 ? '' : 's'}`);
    return 0;
  } finally {
    await core.dispose();
  }
}
