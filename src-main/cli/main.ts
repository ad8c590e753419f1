import { callCommand, callHelp, methodsCommand } from './commands/call';
import { serveCommand, serveHelp } from './commands/serve';
import { statusCommand, statusHelp } from './commands/status';
import { packsCommand, packsHelp } from './commands/packs';
import { ingestCommand, ingestHelp } from './commands/ingest';
import { assetsCommand, assetsHelp } from './commands/assets';
import { jobsCommand, jobsHelp } from './commands/jobs';
import { processCommand, processHelp } from './commands/process';
import { curateCommand, curateHelp } from './commands/curate';
import { modelsCommand, modelsHelp } from './commands/models';
import { logsCommand, logsHelp } from './commands/logs';
import { enginesCommand, enginesHelp } from './commands/engines';
import { usageCommand, usageHelp } from './commands/usage';
import { generateCommand, generateHelp, ordersCommand, ordersHelp } from './commands/generate';
import { lookupsCommand, lookupsHelp } from './commands/lookups';
import { workspaceCommand, workspaceHelp } from './commands/workspace';
import {
  datasetsCommand,
  datasetsHelp,
  trainCommand,
  trainHelp,
  trainingsCommand,
  trainingsHelp,
} from './commands/training';
import { localizeCommand, localizeHelp } from './commands/localize';
import { tokensCommand, tokensHelp, usersCommand, usersHelp } from './commands/users';
import { describeError, stdio, UsageError, type CliIO } from './output';

type Command = { help: string; run: (argv: string[], io: CliIO) => Promise<number> };

/** The command table: later features add a line each. */
export const commands: Record<string, Command> = {
  serve: { help: serveHelp, run: serveCommand },
  status: { help: statusHelp, run: statusCommand },
  packs: { help: packsHelp, run: packsCommand },
  call: { help: callHelp, run: callCommand },
  methods: { help: callHelp, run: methodsCommand },
  ingest: { help: ingestHelp, run: ingestCommand },
  assets: { help: assetsHelp, run: assetsCommand },
  jobs: { help: jobsHelp, run: jobsCommand },
  process: { help: processHelp, run: processCommand },
  curate: { help: curateHelp, run: curateCommand },
  models: { help: modelsHelp, run: modelsCommand },
  generate: { help: generateHelp, run: generateCommand },
  orders: { help: ordersHelp, run: ordersCommand },
  lookups: { help: lookupsHelp, run: lookupsCommand },
  workspace: { help: workspaceHelp, run: workspaceCommand },
  datasets: { help: datasetsHelp, run: datasetsCommand },
  train: { help: trainHelp, run: trainCommand },
  trainings: { help: trainingsHelp, run: trainingsCommand },
  localize: { help: localizeHelp, run: localizeCommand },
  logs: { help: logsHelp, run: logsCommand },
  engines: { help: enginesHelp, run: enginesCommand },
  users: { help: usersHelp, run: usersCommand },
  tokens: { help: tokensHelp, run: tokensCommand },
  usage: { help: usageHelp, run: usageCommand },
};

function usage(): string {
  return [
    'Usage: atelier <command> [options]   (from a checkout: npm run atelier -- <command>)',
    '',
    ...new Set(Object.values(commands).map((c) => c.help)),
    '',
    'Every command takes --data-dir DIR (default: $ATELIER_DATA_DIR, else the desktop app’s data folder).',
  ].join('\n');
}

export async function main(argv: string[], io: CliIO = stdio): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    io.err(`Unknown command: ${name}\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.help);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    const isUsage =
      err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    io.err(`atelier ${name}: ${describeError(err)}`);
    if (isUsage) io.err(`\n${command.help}`);
    return isUsage ? 2 : 1;
  }
}
