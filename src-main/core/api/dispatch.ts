import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  AppError,
  isMethodName,
  methods,
  type ApiErrorData,
  type MethodName,
  type Result,
} from '../../contract';
import type { Atelier } from '../app/atelier';
import { audit } from '../accounts/audit';
import { appLog, withLogContext } from '../log/appLog';
import { createHandlers } from './handlers';
import { registerJobKinds } from './jobKinds';
import type { CallContext, Handlers } from '../app/handlerTypes';

export interface Api {
  /** Validate, run and wrap: never throws, always a Result. */
  invoke(method: string, input: unknown, ctx?: Partial<CallContext>): Promise<Result<unknown>>;
  readonly handlers: Handlers;
}

export function toErrorData(err: unknown): ApiErrorData {
  if (err instanceof AppError) {
    return {
      code: err.code,
      message: err.message,
      ...(err.details !== undefined ? { details: err.details } : {}),
    };
  }
  if (err instanceof z.ZodError) {
    return { code: 'invalid_input', message: formatZodError(err), details: err.issues };
  }
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOSPC' || e?.code === 'EDQUOT') {
    return {
      code: 'disk_full',
      message: `The disk is full${e.path ? ` (writing ${e.path})` : ''}: free some space and try again.`,
      details: { errno: e.code, path: e.path },
    };
  }
  if (e && typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) {
    return { code: 'io_error', message: e.message, details: { errno: e.code, path: e.path } };
  }
  return { code: 'internal', message: e instanceof Error ? e.message : String(err) };
}

export function formatZodError(err: z.ZodError): string {
  return err.issues
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** Calls slower than this are logged with their request id. */
const SLOW_MS = 500;

/** Short, unique enough to find one request's lines in the log. */
export function newRequestId(): string {
  return randomBytes(6).toString('base64url');
}

/** Reads, and methods that write their own (more precise) audit entries. */
const notAudited = new Set(['users.list', 'users.add', 'users.update', 'audit.list']);
const secretKeys = /pass|token|secret|auth|key/i;

/** What an owner or admin changed over the network goes into the audit log, secrets left out. */
async function auditAdminCall(
  core: Atelier,
  method: string,
  input: unknown,
  ctx: CallContext,
): Promise<void> {
  if (notAudited.has(method)) return;
  const details =
    input && typeof input === 'object'
      ? Object.fromEntries(
          Object.entries(input).map(([k, v]) => [k, secretKeys.test(k) ? '***' : v]),
        )
      : input;
  // The change is made: a failure to write it down is logged, never reported as the call's.
  await audit(core, {
    userId: ctx.caller.userId,
    ip: ctx.remote?.ip ?? '',
    action: method,
    details,
  }).catch((err: unknown) => appLog.error('api', `could not audit ${method}`, err));
}

/** Builds the api every host exposes: IPC, HTTP and the CLI all go through `invoke`. */
export function createApi(core: Atelier): Api {
  registerJobKinds();
  const handlers = createHandlers(core);
  return {
    handlers,
    async invoke(method, input, ctx) {
      if (!isMethodName(method)) {
        return {
          ok: false,
          error: { code: 'unknown_method', message: `Unknown method: ${method}` },
        };
      }
      const context: CallContext = {
        host: core.host,
        caller: core.localOwner,
        requestId: newRequestId(),
        ...ctx,
      };
      // Refused before the input is read: a member learns nothing of a manager method's fields.
      if (methods[method].access === 'manager' && context.caller.role === 'member') {
        return {
          ok: false,
          error: {
            code: 'unauthorized',
            message: `${method}: only the studio's owner or an admin may do this.`,
          },
        };
      }
      const parsed = methods[method].input.safeParse(input ?? {});
      if (!parsed.success) {
        return {
          ok: false,
          error: {
            code: 'invalid_input',
            message: `${method}: ${formatZodError(parsed.error)}`,
            details: parsed.error.issues,
          },
        };
      }
      const t0 = performance.now();
      return withLogContext(
        { requestId: context.requestId, userId: context.caller.userId ?? undefined },
        async (): Promise<Result<unknown>> => {
          try {
            const handler = handlers[method] as (i: unknown, c: CallContext) => unknown;
            const value = await handler(parsed.data, context);
            if (methods[method].access === 'manager' && context.host === 'serve')
              await auditAdminCall(core, method, parsed.data, context);
            const ms = performance.now() - t0;
            if (ms >= SLOW_MS) appLog.info('api', `${method} took ${Math.round(ms)} ms`);
            return { ok: true, value };
          } catch (err) {
            const error = toErrorData(err);
            if (error.code === 'internal') appLog.error('api', `${method} failed`, err);
            else appLog.debug('api', `${method}: [${error.code}] ${error.message}`);
            return { ok: false, error };
          }
        },
      );
    },
  };
}

/** For core-internal and CLI callers that want the value or a thrown AppError. */
export async function call<M extends MethodName>(
  api: Api,
  method: M,
  input: unknown,
): Promise<unknown> {
  const r = await api.invoke(method, input);
  if (!r.ok) throw new AppError(r.error.code, r.error.message, r.error.details);
  return r.value;
}
