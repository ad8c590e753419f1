/**
 * Expando, the prompt expander (after Art Factory's): one order's prompt and negative → batches
 * of items. Pure: no database, no files, no clock, no Math.random — every random choice comes from
 * a seeded generator (sfc32) keyed by the order seed, the batch, the sub-prompt and the item's
 * combination, so the same input always gives the same items, and an item's draws do not depend
 * on how many items came before it. `expandPrompt` never throws: bad input → `ok: false`.
 *
 * The steps, in order:
 *  0. Escapes: `\[`, `\]`, `\,` are literal `[`, `]`, `,` in the output and invisible to every
 *     step below. Nothing else is an escape: `\(` (A1111's literal paren) passes through, and
 *     `\\[` gives `\[` (the `\\` stays, the `\[` is the escape).
 *  1. `meta:command:value` (anywhere in prompt or negative) applies to the order and is removed.
 *     `meta:debug:dryrun` → `dryRun: true`. Every meta command, known or not, lands in `meta`
 *     (command lower-case, the last of a repeated one, which warns); unknown ones do not warn.
 *  2. `(&)` splits prompt and negative into batches: one negative (or none) serves every batch,
 *     as many negatives as batches pair up, any other count is an error naming both counts.
 *     A batch with an empty prompt is skipped with a warning; all empty → error.
 *  3. `batch:maxbatchitems:N` (default `defaultBatchLimit`, 100) and `batch:sample:N` (N distinct
 *     combinations drawn with the seed, kept in product order). Repeated: the last wins, with a
 *     warning. Unknown batch commands and values that are not whole numbers ≥ 1 warn and are
 *     ignored. A sample larger than the limit is cut to the limit; one at least as large as
 *     the combinations keeps them all (both warn). Commands in the negative count too.
 *  4. `[a,b,c]` options are a cartesian product over all of the prompt's and then the
 *     negative's option lists (and then the parameter lists of step 8): the LAST dimension varies
 *     fastest (`a [red,blue] [cat,dog]` → red cat, red dog, blue cat, blue dog). Options are
 *     trimmed; `[a,b,]` has an empty option, and the output is tidied (runs of spaces → one,
 *     no space before a comma, `, ,` → `,`, no leading/trailing spaces or commas) — every output
 *     prompt is tidied, token or not. `[a]` is literal `a`. `[a,b,c:N]` picks N distinct options
 *     at random per item (listed in their written order, joined with ", "); N must be a whole
 *     number, and the list needs two or more options; N above the count uses all (warning); N = 0
 *     is empty (warning). Commas and colons inside (), <> or {} don't split:
 *     `[(red:1.2), <lora:x:1>]` is two options.
 *     Not tokens, left untouched: anything else with a colon outside groups — A1111's prompt
 *     editing `[from:to:when]`, `[to:when]` (incl. `[cat:10]`: one option with :N is A1111's, not
 *     a pick), `[from::when]`, `[a:b]`; and `[]`. A1111's alternation `[a|b]` (one option holding
 *     a `|`) is untouched too (with a comma, `[a|b,c]` is a list whose first option is `a|b`).
 *     `(word:1.2)`, `<lora:…>` and `BREAK` are plain text and pass through.
 *     Brackets do not nest in a prompt: only innermost pairs are tokens; outer brackets stay as
 *     text, with a warning if they hold a token. An unmatched `[` or `]` stays as text (warning).
 *  5. Lookups. `[name]` (one option that is a name: letters, digits, `_ - / .`; matched
 *     case-insensitively) is ONE random draw per item from that list — not a product dimension.
 *     Only explicit option lists multiply. `__name__` (A1111/ComfyUI wildcard) is the same draw,
 *     anywhere in the text (inside options and A1111 brackets too); an unknown `__x__` stays as
 *     text (warning). Options may be lookups: `[colour,teal]` is a 2-way dimension whose first
 *     option draws a colour. `[foo]` with no lookup `foo` is literal `foo` (rule 4), no warning.
 *     - No repeats within an item: each draw from one list (in the prompt, its nested values and
 *       then the negative) takes a value not yet used; when the list runs out it starts over
 *       (warning).
 *     - Aliases: `[colour_1]`, `[colour_2]` draw from `colour` with their own no-repeat pools,
 *       when `colour_1` is not itself a lookup (so they may equal each other or `[colour]`).
 *     - Back-references: `[=colour]` repeats the latest draw from that pool (alias pools too) in
 *       the item, text order, prompt before negative. Before any draw: the list's first value
 *       (warning). Unknown name: literal name (warning).
 *     - Nesting: a lookup VALUE is itself a template: `[warm]`, `__warm__`, `[=warm]` in it draw;
 *       an option list in a value is a random choice of one (`[a,b]`), or of N (`[a,b:2]`) —
 *       never a product. A bare value that happens to equal a lookup name (`warm`) is just
 *       text. A cycle (`a` → `[b]` → `[a]`) is not followed: the reference stays as its name
 *       (warning). Nesting stops at depth 12; an item stops drawing after 1,000 draws or
 *       400,000 characters.
 *  6. Each batch keeps its first `limit` combinations ("batch 2: 240 combinations, kept the first
 *     100 (140 dropped)"). Only what is kept is ever built: the product is counted (saturating at
 *     2^53 − 1) and indexed, never materialised.
 *  7. `||` splits a batch into sub-prompts, paired with the batch's negative like batches are
 *     (one for all, or one each; else an error). Their items are concatenated in order (all of
 *     part 1's combinations, then part 2's) and the batch limit and sample apply to the whole.
 *     `(&)` and `||` split before brackets are read. An empty part is skipped (warning).
 *  8. `pipeline:key:value` sets a batch parameter (anywhere in the batch's prompt or negative, for
 *     all its parts). `8,10,20` lists and `10..20` / `10..20..5` / `20..10` integer ranges
 *     (inclusive, clipped to the parameter's min/max with a warning) multiply the items; `a|b|c`
 *     is a random choice per item. `|` wins over `,`. Values end at a space: quote spaces
 *     (`pipeline:sampler:"DPM++ 2M"`); trailing commas belong to the prompt. Repeated key: the
 *     last valid one wins (warning).
 *  9. Parameter names match the schema ignoring case, `_`, `-` and spaces, and by alias (default
 *     schema: steps; cfg = scale, cfg_scale; sampler = sampler_name; scheduler; seed; width = w;
 *     height = h; size = resolution, `WxH` → width + height; clipSkip = clip_skip; strength =
 *     denoise, denoising_strength; ranges are the order's own: steps 1–200, cfg 0–50, sides
 *     64–4096, clipSkip 1–12, strength 0–1). Values are coerced (int, float, enum — case-insensitive,
 *     written in the schema's spelling; no options = any text —, size, string); an invalid or
 *     out-of-range value is dropped with a warning ("steps: 'many' is not a whole number;
 *     dropped"). An unknown parameter passes through as written (numbers as numbers), with a
 *     warning.
 * 10. The order stops at `maxItems` (1,000) generations, warning with how many were left out.
 *
 * Also:
 *  - Batch and item numbers are 1-based, as in the warnings. `warnings` holds the order's
 *    warnings, then every batch's (each also in its batch, all starting "batch N: "), deduplicated.
 *  - The seed's integer part is used (any finite number; 1.2 and 1.7 give the same items).
 *  - Commands, `(&)` and `||` are read in the prompt and negative only: in a lookup value they are
 *    plain text. Option lists inside A1111 emphasis or LoRA tags expand (`<lora:[a,b]:0.5>`).
 *  - Items whose prompt comes out empty (`[a,]`) are kept; duplicate options give duplicate items.
 *
 * Bounds: prompt and negative ≤ 200,000 characters each, ≤ 10,000 batches (else error); all
 * items' text together ≤ 8,000,000 characters (then it stops, warning); ≤ 50 warnings per batch
 * (then "…and N more warnings"); lookups drawn without replacement by a lazy shuffle (O(1) a draw).
 */
export { DEFAULT_PARAMS } from './params';
export { EXPAND_LIMITS, expandPrompt, hasExpansionSyntax } from './expand';
export type {
  ExpandInput,
  ExpandedBatch,
  ExpandedItem,
  Expansion,
  LookupTable,
  ParamSpec,
} from './types';
