import { parseArgs } from 'node:util';
import type { CurationResult, LibraryFilterInput, SelectionInput } from '../../contract';
import { createApi } from '../../core/api/dispatch';
import { openForCli, resolveDataDir } from '../openCore';
import { printJson, UsageError, type CliIO } from '../output';

export const curateHelp = `atelier curate <action> [ID…] [--search Q] [--status S] [--type T] [--data-dir DIR] [--json]
  Curate assets by id, or every asset a query matches (--search/--status/--type):
    approve | reject | unmark       set the curation status
    rate N                          rating 0–5 (0 clears)
    like | unlike
    tag NAME[,NAME…] | untag NAME[,NAME…]
    trash | restore                 move to / bring back from the trash (files untouched)
    undo                            undo the last curation action`;

const statuses = { approve: 'approved', reject: 'rejected', unmark: 'pending' } as const;

export async function curateCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      search: { type: 'string' },
      status: { type: 'string' },
      type: { type: 'string' },
    },
    strict: true,
  });
  const [action, ...rest] = positionals;
  if (!action)
    throw new UsageError(
      'Which action? approve, reject, unmark, rate, like, unlike, tag, untag, trash, restore or undo',
    );
  let arg: string | undefined;
  if (action === 'rate' || action === 'tag' || action === 'untag') {
    arg = rest.shift();
    if (arg === undefined) throw new UsageError(`${action} needs a value`);
  }
  const filter: LibraryFilterInput = {};
  if (values.search) filter.search = values.search;
  if (values.status) filter.statuses = [values.status as 'pending'];
  if (values.type) filter.types = [values.type as 'image'];
  const byQuery = Object.keys(filter).length > 0;
  if (action !== 'undo' && !byQuery && rest.length === 0)
    throw new UsageError('Give asset ids, or --search/--status/--type to select by query');
  if (byQuery && rest.length) throw new UsageError('Give either asset ids or a query, not both');
  if (action === 'restore') filter.trashed = true;
  const selection: SelectionInput =
    byQuery || (action === 'restore' && !rest.length) ? { query: filter } : { ids: rest };

  const core = await openForCli(resolveDataDir(values['data-dir']), 'cli', false);
  try {
    const api = createApi(core);
    const run = async (method: string, input: unknown) => {
      const r = await api.invoke(method, input);
      if (!r.ok) throw new UsageError(r.error.message);
      return r.value;
    };
    let result: unknown;
    if (action in statuses) {
      result = await run('curation.set', {
        selection,
        patch: { status: statuses[action as keyof typeof statuses] },
      });
    } else if (action === 'rate') {
      const rating = Number(arg);
      if (!Number.isInteger(rating) || rating < 0 || rating > 5)
        throw new UsageError('rate takes a whole number from 0 to 5');
      result = await run('curation.set', { selection, patch: { rating } });
    } else if (action === 'like' || action === 'unlike') {
      result = await run('curation.set', { selection, patch: { liked: action === 'like' } });
    } else if (action === 'tag') {
      result = await run('curation.addTags', {
        selection,
        tags: arg!
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      });
    } else if (action === 'untag') {
      const names = arg!.split(',').map((s) => s.trim().toLowerCase());
      const tags = (await run('tags.list', { limit: 1000 })) as { id: string; name: string }[];
      const tagIds = tags.filter((t) => names.includes(t.name.toLowerCase())).map((t) => t.id);
      if (!tagIds.length) throw new UsageError(`No tag named ${arg}`);
      result = await run('curation.removeTags', { selection, tagIds });
    } else if (action === 'trash') {
      result = await run('trash.move', { selection });
    } else if (action === 'restore') {
      result = await run('trash.restore', { selection });
    } else if (action === 'undo') {
      const r = (await run('curation.undo', {})) as { undone: { label: string } | null };
      if (values.json) printJson(io, r);
      else io.out(r.undone ? `Undid: ${r.undone.label}` : 'Nothing to undo');
      return 0;
    } else {
      throw new UsageError(`Unknown action: ${action}`);
    }
    const r = result as CurationResult;
    if (values.json) printJson(io, r);
    else
      io.out(
        `${r.changed} asset${r.changed === 1 ? '' : 's'} changed${r.changed ? ' (atelier curate undo takes it back)' : ''}`,
      );
    return 0;
  } finally {
    await core.dispose();
  }
}
