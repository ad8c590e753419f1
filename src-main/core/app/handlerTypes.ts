import type { MethodName, MethodOutput, MethodParsedInput } from '../../contract';
import type { Caller, HostKind } from './caller';

export interface CallContext {
  host: HostKind;
  caller: Caller;
  /** Ties the request's log lines (and the engine command lines it causes) together. */
  requestId: string;
  /** Where a served request came from. */
  remote?: { ip: string; userAgent?: string };
}

export type Handler<M extends MethodName> = (
  input: MethodParsedInput<M>,
  ctx: CallContext,
) => Promise<MethodOutput<M>> | MethodOutput<M>;

/** Every method of the contract must have exactly one handler: a missing one fails to compile. */
export type Handlers = { [M in MethodName]: Handler<M> };

/** A domain's share of the handlers. */
export type HandlersFor<K extends MethodName> = { [M in K]: Handler<M> };
