import type { z } from 'zod';

/**
 * A method of the api: its zod input schema (validated at runtime on the main side) and its
 * output type (a phantom, carried only by the type system).
 *
 * @example
 * const m = { 'system.status': method(z.object({}))<StatusInfo>() };
 */
/**
 * Who may call a method in served mode: any signed-in member (curate, generate, build packs,
 * see the library), or only those who manage the studio, owner and admins (engines, users,
 * watched folders, places on the host, settings). The desktop app and the CLI are the owner.
 */
export type MethodAccess = 'member' | 'manager';

export interface MethodDef<I extends z.ZodType = z.ZodType, O = unknown> {
  readonly input: I;
  readonly description: string;
  readonly access: MethodAccess;
  /** Phantom: never read at runtime. */
  readonly __output?: O;
}

export function method<I extends z.ZodType>(
  input: I,
  description: string,
  options: { access?: MethodAccess } = {},
) {
  return <O>(): MethodDef<I, O> => ({ input, description, access: options.access ?? 'member' });
}

/** An event the main side pushes to every window; the payload type is a phantom too. */
export interface EventDef<P = unknown> {
  readonly description: string;
  readonly __payload?: P;
}

export function event<P>(description: string): EventDef<P> {
  return { description };
}
