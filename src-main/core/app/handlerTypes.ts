import type { MethodName, MethodOutput, MethodParsedInput } from '../../contract';
import type { HostKind } from './atelier';

export interface CallContext {
  host: HostKind;
}

export type Handler<M extends MethodName> = (
  input: MethodParsedInput<M>,
  ctx: CallContext,
) => Promise<MethodOutput<M>> | MethodOutput<M>;

/** Every method of the contract must have exactly one handler: a missing one fails to compile. */
export type Handlers = { [M in MethodName]: Handler<M> };

/** A domain's share of the handlers. */
export type HandlersFor<K extends MethodName> = { [M in K]: Handler<M> };
