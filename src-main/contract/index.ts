/**
 * The api contract: the one module main, preload, server and renderer share. Every method has a
 * zod input schema and an output type; every event has a payload type. Domains keep their own
 * file and are merged here, so adding a domain is one line.
 */
import type { z } from 'zod';
import type { EventDef, MethodDef } from './define';
import type { Result } from './errors';
import { systemEvents, systemMethods } from './system';
import { packsEvents, packsMethods } from './packs';
import { libraryEvents, libraryMethods } from './library';
import { jobsEvents, jobsMethods } from './jobs';
import { processMethods } from './process';
import { enginesEvents, enginesMethods } from './engines';
import { browseEvents, browseMethods } from './browse';
import { curationEvents, curationMethods } from './curation';
import { modelsEvents, modelsMethods } from './models';
import { accountsEvents, accountsMethods } from './accounts';
import { usageMethods } from './usage';
import { generateEvents, generateMethods } from './generate';
import { batchesEvents, batchesMethods } from './batches';
import { projectsEvents, projectsMethods } from './projects';
import { assistantEvents, assistantMethods } from './assistant';
import { trainingEvents, trainingMethods } from './training';
import { localizeEvents, localizeMethods } from './localize';

export * from './define';
export * from './errors';
export * from './system';
export * from './packs';
export * from './library';
export * from './jobs';
export * from './process';
export * from './engines';
export * from './browse';
export * from './curation';
export * from './models';
export * from './accounts';
export * from './usage';
export * from './generate';
export * from './batches';
export * from './projects';
export * from './assistant';
export * from './training';
export * from './localize';
export * from './languages';

export const methods = {
  ...systemMethods,
  ...packsMethods,
  ...libraryMethods,
  ...jobsMethods,
  ...processMethods,
  ...enginesMethods,
  ...browseMethods,
  ...curationMethods,
  ...modelsMethods,
  ...accountsMethods,
  ...usageMethods,
  ...generateMethods,
  ...batchesMethods,
  ...projectsMethods,
  ...assistantMethods,
  ...trainingMethods,
  ...localizeMethods,
} as const;

export const events = {
  ...systemEvents,
  ...packsEvents,
  ...libraryEvents,
  ...jobsEvents,
  ...browseEvents,
  ...curationEvents,
  ...modelsEvents,
  ...enginesEvents,
  ...accountsEvents,
  ...generateEvents,
  ...batchesEvents,
  ...projectsEvents,
  ...assistantEvents,
  ...trainingEvents,
  ...localizeEvents,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type EventName = keyof typeof events;

type OutputOf<D> = D extends MethodDef<z.ZodType, infer O> ? O : never;
type PayloadOf<D> = D extends EventDef<infer P> ? P : never;

/** What a caller passes (defaults may be omitted). */
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
/** What a handler receives after validation (defaults filled in). */
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = OutputOf<Methods[M]>;
export type EventPayload<E extends EventName> = PayloadOf<(typeof events)[E]>;

export const methodNames = Object.keys(methods) as MethodName[];
export const eventNames = Object.keys(events) as EventName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

/** The preload's surface, and what the renderer's client expects on window.atelier. */
export interface AtelierBridge {
  invoke(method: string, input: unknown): Promise<Result<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  /**
   * Desktop only: where a dropped or picked file lives on disk ("" when it has no path), so it
   * can be ingested in place instead of copied into the Inbox. Serve mode has no such thing.
   */
  pathForFile?(file: Blob): string;
}

/** The IPC channel names; kept here so main and preload cannot drift apart. */
export const ipcChannels = {
  invoke: 'atelier:invoke',
  event: 'atelier:event',
} as const;
