#!/usr/bin/env node
// A stand-in for Argos Translate's package manager `argospm` (argostranslate/argospm.py):
// `argospm list` prints each installed package's argospm name, one a line (`translate-en_es`;
// package.argospm_package_name), from the folders argosPackages.mjs reads; `argospm remove NAME`
// deletes one (`Removed package NAME`, or `Package not found` and exit 1). The commands that
// need the remote index (update, search, install) say so and exit 1: tests lay out packages
// with installArgosPackage instead. An unknown command is argparse's invalid choice (exit 2).
import fs from 'node:fs';
import { argospmName, installedPackages } from './argosPackages.mjs';

const commands = ['update', 'search', 'install', 'list', 'remove'];
const usage = `usage: argospm [-h] {${commands.join(',')}} ...\n`;
const [command, name] = process.argv.slice(2);

if (command === undefined || command === '-h' || command === '--help') {
  process.stdout.write(usage);
  process.exit(0);
}
if (!commands.includes(command)) {
  process.stderr.write(
    `${usage}argospm: error: argument {${commands.join(',')}}: invalid choice: '${command}' (choose from ${commands.map((c) => `'${c}'`).join(', ')})\n`,
  );
  process.exit(2);
}
if (command === 'list') {
  for (const pkg of installedPackages()) process.stdout.write(`${argospmName(pkg)}\n`);
} else if (command === 'remove') {
  const pkg = installedPackages().find((p) => argospmName(p) === name);
  if (!pkg) {
    process.stdout.write('Package not found\n');
    process.exit(1);
  }
  fs.rmSync(pkg.path, { recursive: true, force: true });
  process.stdout.write(`Removed package ${name}\n`);
} else {
  process.stderr.write(
    `argospm ${command}: this stand-in has no remote package index; lay out packages with installArgosPackage.\n`,
  );
  process.exit(1);
}
