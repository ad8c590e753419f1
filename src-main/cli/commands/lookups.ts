import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { LookupInfo } from '../../contract/batches';
import { call, createApi } from '../../core/api/dispatch';
import { openForCli, resolveDataDir } from '../openCore';
import { printJson, UsageError, type CliIO } from '../output';
import { readStdin } from '../secrets';

export const lookupsHelp = `atelier lookups list [--search Q] [--json]
atelier lookups show NAME [--json]
atelier lookups set NAME VALUE… | --file FILE | - (values from stdin, one a line) [--description D] [--category C]
atelier lookups import DIR [--replace] [--category C]
  Named lists a prompt draws from: [colour] or __colour__ picks one value per image. import reads a
  wildcard folder (one NAME.txt per lookup, one value a line, # comments skipped).`;

export async function lookupsCommand(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      search: { type: 'string' },
      file: { type: 'string' },
      description: { type: 'string' },
      category: { type: 'string' },
      replace: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (!sub || !['list', 'show', 'set', 'import'].includes(sub))
    throw new UsageError(
      `Unknown lookups subcommand: ${sub ?? '(none)'} (use list, show, set, import)`,
    );
  if ((sub === 'show' || sub === 'import') && positionals.length !== 1)
    throw new UsageError(`${sub} takes one ${sub === 'show' ? 'NAME' : 'DIR'}`);
  if (sub === 'set' && positionals.length < 1)
    throw new UsageError('set takes a NAME and its values');
  let setValues: string[] = [];
  if (sub === 'set') {
    const given = positionals.slice(1);
    if (values.file) setValues = readFileSync(values.file, 'utf8').split(/\r?\n/);
    else if (given.length === 1 && given[0] === '-') setValues = (await readStdin()).split(/\r?\n/);
    else setValues = given;
    setValues = setValues.map((v) => v.trim()).filter((v) => v && !v.startsWith('#'));
    if (!setValues.length)
      throw new UsageError('Give the values: as arguments, --file FILE, or - to read stdin');
  }
  const core = await openForCli(resolveDataDir(values['data-dir']), 'cli', false);
  try {
    const api = createApi(core);
    if (sub === 'list') {
      const list = (await call(api, 'lookups.list', { search: values.search })) as LookupInfo[];
      if (values.json) printJson(io, list);
      else if (!list.length)
        io.out(
          'No lookups yet: `atelier lookups set colour red blue teal` or `atelier lookups import DIR`.',
        );
      else
        for (const l of list)
          io.out(
            `${l.key.padEnd(24)} ${String(l.values.length).padStart(5)} values  ${l.category ? `[${l.category}] ` : ''}${l.description}${l.system ? ' (built in)' : ''}`,
          );
      return 0;
    }
    if (sub === 'show') {
      const l = (await call(api, 'lookups.get', { key: positionals[0]! })) as LookupInfo;
      if (values.json) printJson(io, l);
      else {
        io.out(`${l.key}: ${l.values.length} values${l.description ? ` — ${l.description}` : ''}`);
        for (const v of l.values) io.out(`  ${v}`);
      }
      return 0;
    }
    if (sub === 'set') {
      const l = (await call(api, 'lookups.set', {
        key: positionals[0]!,
        values: setValues,
        ...(values.description !== undefined ? { description: values.description } : {}),
        ...(values.category !== undefined ? { category: values.category } : {}),
      })) as LookupInfo;
      if (values.json) printJson(io, l);
      else io.out(`${l.key}: ${l.values.length} values`);
      return 0;
    }
    const r = (await call(api, 'lookups.import', {
      dir: positionals[0]!,
      replace: values.replace,
      ...(values.category ? { category: values.category } : {}),
    })) as { imported: string[]; skipped: string[]; problems: { file: string; problem: string }[] };
    if (values.json) printJson(io, r);
    else {
      io.out(
        `Imported ${r.imported.length} lookup${r.imported.length === 1 ? '' : 's'}${r.imported.length ? `: ${r.imported.join(', ')}` : ''}`,
      );
      if (r.skipped.length) io.out(`Kept as they were (use --replace): ${r.skipped.join(', ')}`);
      for (const p of r.problems) io.out(`  skipped ${p.file}: ${p.problem}`);
    }
    return 0;
  } finally {
    await core.dispose();
  }
}
