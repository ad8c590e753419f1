// `npm run bench -- <name> [args…]` runs test/bench/<name>.bench.ts with tsx.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const [name, ...args] = process.argv.slice(2);
const available = existsSync('test/bench')
  ? readdirSync('test/bench')
      .filter((f) => f.endsWith('.bench.ts'))
      .map((f) => f.replace('.bench.ts', ''))
  : [];
if (!name || !available.includes(name)) {
  console.error(`Usage: npm run bench -- <${available.join('|')}> [options]`);
  process.exit(2);
}
const tsx = path.join('node_modules', '.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx');
const r = spawnSync(tsx, [path.join('test/bench', `${name}.bench.ts`), ...args], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
