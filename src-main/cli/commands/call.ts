import { parseArgs } from 'node:util';
import { methodNames, methods } from '../../contract';
import { createApi } from '../../core/api/dispatch';
import { openForCli, resolveDataDir } from '../openCore';
import { printJson, UsageError, type CliIO } from '../output';

export const callHelp = `atelier call <method> ['{"json":"input"}'] [--data-dir DIR]
  Runs any api method in-process and prints its JSON result (the same envelope as POST /api/<method>).
atelier methods
  Lists every api method with its description.`;

export async function callCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { 'data-dir': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const [method, json] = positionals;
  if (!method) throw new UsageError('Name a method: `atelier methods` lists them.');
  let input: unknown = {};
  if (json) {
    try {
      input = JSON.parse(json);
    } catch (err) {
      throw new UsageError(`The input is not valid JSON: ${(err as Error).message}`);
    }
  }
  const core = await openForCli(resolveDataDir(values['data-dir']), 'cli', false);
  try {
    const result = await createApi(core).invoke(method, input);
    printJson(io, result);
    return result.ok ? 0 : 1;
  } finally {
    await core.dispose();
  }
}

export async function methodsCommand(_argv: string[], io: CliIO): Promise<number> {
  const width = Math.max(...methodNames.map((n) => n.length));
  for (const name of [...methodNames].sort())
    io.out(`${name.padEnd(width)}  ${methods[name].description}`);
  return 0;
}
