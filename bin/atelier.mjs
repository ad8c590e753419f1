#!/usr/bin/env node
// The `atelier` command. It runs the TypeScript sources through tsx, so a checkout needs no
// build step for the CLI; `serve` builds the renderer itself when it is missing or stale.
import { register } from 'tsx/esm/api';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

register();
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { main } = await import(pathToFileURL(path.join(root, 'src-main/cli/main.ts')).href);
process.exitCode = await main(process.argv.slice(2));
