/**
 * Errors cross every boundary (IPC, HTTP, CLI) as plain data, never as thrown Error objects:
 * Electron strips everything but the message from errors thrown through ipcMain.handle.
 */
export const errorCodes = [
  'invalid_input',
  'unknown_method',
  'not_found',
  'conflict',
  'unauthorized',
  'unavailable',
  'engine_missing',
  'engine_failed',
  'io_error',
  'disk_full',
  'rate_limited',
  'cancelled',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface ApiErrorData {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiErrorData };

/** Thrown inside core to choose the code the caller sees; anything else becomes `internal`. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export function isErrorResult<T>(r: Result<T>): r is { ok: false; error: ApiErrorData } {
  return !r.ok;
}
