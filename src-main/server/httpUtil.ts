import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorCode } from '../contract/errors';

/** Every api error code's HTTP status; the body is always the `{ ok: false, error }` envelope. */
export const statusFor: Record<ErrorCode, number> = {
  invalid_input: 400,
  unknown_method: 404,
  not_found: 404,
  conflict: 409,
  unauthorized: 401,
  unavailable: 503,
  engine_missing: 424,
  engine_failed: 502,
  io_error: 500,
  disk_full: 507,
  rate_limited: 429,
  cancelled: 409,
  internal: 500,
};

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const data = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(data),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(data);
}

export function errorJson(
  res: ServerResponse,
  status: number,
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): void {
  json(res, status, { ok: false, error: { code, message } }, headers);
}

/** A %-encoded path part, or null when it is not valid %-encoding (answered 400, never 500). */
export function decodePart(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

export const MAX_JSON_DEPTH = 32;

/** The deepest nesting of arrays and objects in JSON text, in one pass (strings skipped). */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) max = depth;
    } else if (c === 93 || c === 125) depth--;
  }
  return max;
}

class BodyError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyError(`Request body over ${limit} bytes`, 413);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * A request's JSON body, or an answered 400/413: `undefined` means the response is sent.
 * No api input nests deeper than a few levels; 10 MB of nested arrays once took ~10 s to parse.
 */
export async function readJsonBody(
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
): Promise<{ value: unknown } | undefined> {
  try {
    const body = await readBody(req, limit);
    const text = body.toString('utf8');
    if (nestingDepth(text) > MAX_JSON_DEPTH)
      throw new BodyError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`, 400);
    return { value: body.length ? (JSON.parse(text) as unknown) : {} };
  } catch (err) {
    const status = err instanceof BodyError ? err.status : 400;
    errorJson(res, status, 'invalid_input', `Bad request body: ${(err as Error).message}`);
    return undefined;
  }
}

/** The soft limit on open files (Linux: /proc/self/limits); 1024 where it cannot be read. */
export function openFileLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const n = Number(line?.split(/\s{2,}/)[1]);
    return Number.isFinite(n) && n > 0 ? n : 1024;
  } catch {
    return 1024;
  }
}
