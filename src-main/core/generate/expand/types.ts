/** The prompt expander's public shapes (see index.ts for the rules). */

/** Named lists for `[name]` / `__name__` draws. Names are matched lower-case. */
export interface LookupTable {
  [name: string]: string[];
}

/** One parameter `pipeline:key:value` may set, with the names it answers to. */
export interface ParamSpec {
  name: string;
  type: 'int' | 'float' | 'enum' | 'size' | 'string';
  min?: number;
  max?: number;
  /** For 'enum': the allowed names (matched case-insensitively). None: any text. */
  options?: string[];
  aliases?: string[];
}

export interface ExpandInput {
  prompt: string;
  negative?: string;
  /** The order seed: every random choice (picks, draws, samples, `a|b`) derives from it. */
  seed: number;
  lookups: LookupTable;
  /** Default: DEFAULT_PARAMS (steps, cfg, sampler, scheduler, seed, width, height, size,
   * clipSkip, strength). */
  params?: ParamSpec[];
  /** The most generations in the order: default 1,000, never above 10,000. */
  maxItems?: number;
  /** Each batch's limit unless `batch:maxbatchitems:N` says otherwise: default 100. */
  defaultBatchLimit?: number;
}

export interface ExpandedItem {
  /** 1-based, as in the warnings ("batch 2: …"). */
  batch: number;
  prompt: string;
  negative: string;
  params: Record<string, string | number>;
}

export interface ExpandedBatch {
  /** 1-based. */
  index: number;
  /** Items kept. */
  count: number;
  /** Before the limit and the sample; saturates at Number.MAX_SAFE_INTEGER. */
  combinations: number;
  truncated: boolean;
  /** Items the batch would have made (after its sample) that were left out by a limit. */
  dropped: number;
  first: ExpandedItem | null;
  warnings: string[];
}

export interface Expansion {
  ok: boolean;
  errors: string[];
  /** Order-level warnings, then every batch's (each starting "batch N: "). */
  warnings: string[];
  /** Every `meta:command:value`, command lower-case (the last of a repeated one). */
  meta: Record<string, string>;
  dryRun: boolean;
  total: number;
  truncated: boolean;
  batches: ExpandedBatch[];
  items: ExpandedItem[];
}
