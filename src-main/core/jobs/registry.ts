import type { z } from 'zod';
import { AppError } from '../../contract/errors';
import type { JobKind } from './types';

const kinds = new Map<string, JobKind>();

/** Typed identity: a kind module declares itself with this; the composition root registers it. */
export function defineJobKind<P extends z.ZodType>(kind: JobKind<P>): JobKind<P> {
  return kind;
}

/** Kinds register once, at the composition root (core/api/jobKinds.ts); the queue looks them up by name when it runs a job. */
export function registerJobKind<P extends z.ZodType>(kind: JobKind<P>): JobKind<P> {
  const stored = kind as unknown as JobKind;
  const existing = kinds.get(kind.kind);
  if (existing && existing !== stored)
    throw new Error(`Job kind "${kind.kind}" is registered twice`);
  kinds.set(kind.kind, stored);
  return kind;
}

export function allJobKinds(): JobKind[] {
  return [...kinds.values()];
}

export function findJobKind(name: string): JobKind | undefined {
  return kinds.get(name);
}

export function requireJobKind(name: string): JobKind {
  const k = kinds.get(name);
  if (!k) throw new AppError('invalid_input', `Unknown job kind: ${name}`);
  return k;
}
