import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  eventNames,
  events,
  ipcChannels,
  methodNames,
  methods,
  type EventName,
  type EventPayload,
  type MethodName,
  type MethodOutput,
} from '../../src-main/contract';
import { openTestCore } from '../helpers/core';

type IsAny<T> = 0 extends 1 & T ? true : false;
type IsUnknown<T> = IsAny<T> extends true ? false : unknown extends T ? true : false;
type Untyped<T> = IsAny<T> extends true ? true : IsUnknown<T>;

/** Method names whose output type is any or unknown: must be none. */
type UntypedMethods = {
  [M in MethodName]: Untyped<MethodOutput<M>> extends true ? M : never;
}[MethodName];
type UntypedEvents = {
  [E in EventName]: Untyped<EventPayload<E>> extends true ? E : never;
}[EventName];

describe('the api contract', () => {
  it('types every method output and every event payload (checked by tsc)', () => {
    expectTypeOf<UntypedMethods>().toEqualTypeOf<never>();
    expectTypeOf<UntypedEvents>().toEqualTypeOf<never>();
  });

  it('gives every method a zod input schema and a description', () => {
    expect(methodNames.length).toBeGreaterThan(0);
    for (const name of methodNames) {
      expect(name).toMatch(/^[a-z][A-Za-z]*\.[a-z][A-Za-z]*$/);
      expect(methods[name].input).toBeInstanceOf(z.ZodType);
      expect(methods[name].description.length).toBeGreaterThan(5);
    }
    for (const name of eventNames) expect(events[name].description.length).toBeGreaterThan(5);
  });

  it('has exactly one handler per method in the real core', async () => {
    const t = await openTestCore();
    try {
      expect(Object.keys(t.api.handlers).sort()).toEqual([...methodNames].sort());
    } finally {
      await t.close();
    }
  });

  it('keeps the preload channel names in step with the contract', () => {
    const preload = readFileSync('src-preload/index.ts', 'utf8');
    expect(preload).toContain(`invoke: '${ipcChannels.invoke}'`);
    expect(preload).toContain(`event: '${ipcChannels.event}'`);
  });
});
