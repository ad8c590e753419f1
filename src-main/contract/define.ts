import type { z } from 'zod';

/**
 * A method of the api: its zod input schema (validated at runtime on the main side) and its
 * output type (a phantom, carried only by the type system).
 *
 * @example
 * const m = { 'system.status': method(z.object({}))<StatusInfo>() };
 */
export interface MethodDef<I extends z.ZodType = z.ZodType, O = unknown> {
  readonly input: I;
  readonly description: string;
  /** Phantom: never read at runtime. */
  readonly __output?: O;
}

export function method<I extends z.ZodType>(input: I, description: string) {
  return <O>(): MethodDef<I, O> => ({ input, description });
}

/** An event the main side pushes to every window; the payload type is a phantom too. */
export interface EventDef<P = unknown> {
  readonly description: string;
  readonly __payload?: P;
}

export function event<P>(description: string): EventDef<P> {
  return { description };
}
