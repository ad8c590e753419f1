import { AppError } from '../contract/errors';

export interface CliIO {
  out(line: string): void;
  err(line: string): void;
}

export const stdio: CliIO = {
  out: (l) => process.stdout.write(l + '\n'),
  err: (l) => process.stderr.write(l + '\n'),
};

export class UsageError extends Error {}

export function printJson(io: CliIO, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

export function describeError(err: unknown): string {
  if (err instanceof AppError || err instanceof UsageError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
