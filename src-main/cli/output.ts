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

export { formatBytes } from '../contract/format';
