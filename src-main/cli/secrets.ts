import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/** All of stdin, without its final newline (a token or password piped in). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** One line typed at the terminal, not echoed. */
function askHidden(prompt: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(prompt, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

/**
 * A password: typed twice at a terminal (not echoed), or the first line of stdin when piped
 * (`printf '%s\n' "$PW" | atelier users add …`). Never a command-line argument, which other
 * users of the machine can read in the process list.
 */
export async function readPassword(what = 'Password'): Promise<string> {
  if (!process.stdin.isTTY) return (await readStdin()).split(/\r?\n/)[0] ?? '';
  for (;;) {
    const first = await askHidden(`${what}: `);
    const again = await askHidden(`${what} again: `);
    if (first === again) return first;
    process.stderr.write('They differ; once more.\n');
  }
}
