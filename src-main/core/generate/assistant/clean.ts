/**
 * Turns a chat model's answer into a prompt. Even told to "answer with the prompt only", small
 * local models wrap it: in quotes, in a code fence, after "Here is the enhanced prompt:" or a
 * "Prompt:" label, after <think>…</think>, with a note at the end. What is clearly wrapping is
 * removed; the words themselves are never rewritten. LoRA tags the model dropped are put back
 * (where they stand does not matter to the engines); lost wildcards and alternatives cannot be
 * put back where they were, so they are reported instead.
 */

export interface Cleaned {
  text: string;
  warnings: string[];
}

const QUOTE_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['"', '"'],
  ["'", "'"],
  ['`', '`'],
  ['“', '”'],
  ['„', '“'],
  ['‘', '’'],
  ['«', '»'],
  ['「', '」'],
];

/** "Sure! Here is the enhanced prompt:", "Enhanced prompt:", "**Prompt:**" on a line of its own. */
const PREAMBLE_LINE =
  /^(?:(?:sure|okay|ok|certainly|of course|absolutely)\b[^\n]*|here(?:'s| is| are)\b[^\n]*|[^\n]{0,40}\bprompt\b[^\n]{0,30})[:：]\s*\**\s*$/i;
/** A label in front of the text on the same line: "Prompt: …", "**Enhanced prompt:** …". */
const LABEL =
  /^\s*\**\s*(?:(?:enhanced|improved|rewritten|refined|final|new|optimi[sz]ed|positive)\s+)?prompt\s*\**\s*[:：]\s*\**\s*/i;
/** Trailing commentary paragraphs. */
const COMMENTARY =
  /^\s*(?:\**\s*)?(?:notes?|explanation|changes|why|this prompt|this version|i (?:added|kept|have|made|used|focused)|(?:the )?key (?:changes|additions)|let me know|feel free)\b/i;

const LORA_TAG = /<(?:lora|lyco|hypernet):[^<>\n]+>/gi;
const WILDCARD = /__[\p{L}\p{N}_/-]+?__/gu;
const ALTERNATIVES = /\[[^[\]\n]*[,|][^[\]\n]*\]/g;

function stripThinking(text: string): string {
  let t = text.replace(/<think(?:ing)?>[\s\S]*?<\/think(?:ing)?>/gi, '');
  // A template that opens the thinking itself leaves only the closing tag in the answer.
  const close = t.search(/<\/think(?:ing)?>/i);
  if (close !== -1) t = t.slice(t.indexOf('>', close) + 1);
  // Thinking cut off by the token limit never closed: there is no answer after it.
  if (/<think(?:ing)?>/i.test(t)) t = t.slice(0, t.search(/<think(?:ing)?>/i));
  return t;
}

/** The first fenced block (closed or cut off), or a fence on one line: ```a red fox```. */
function unfence(text: string): string {
  const block = /```[^\n`]*\n([\s\S]*?)(?:\n?```|$)/.exec(text);
  if (block) return block[1]!;
  const inline = /^\s*```([^`]+)```\s*$/.exec(text);
  return inline ? inline[1]! : text;
}

function unquote(text: string): string {
  let t = text.trim();
  for (let guard = 0; guard < 3; guard++) {
    const pair = QUOTE_PAIRS.find(
      ([open, close]) =>
        t.length >= 2 &&
        t.startsWith(open) &&
        t.endsWith(close) &&
        // `"a cat" and "a dog"` begins and ends with quotes that are not one pair.
        !t.slice(open.length, -close.length).includes(close),
    );
    if (!pair) break;
    t = t.slice(pair[0].length, -pair[1].length).trim();
  }
  return t;
}

function unwrap(text: string): string {
  let lines = text.split(/\r?\n/).map((l) => l.trim());
  while (lines.length && (lines[0] === '' || PREAMBLE_LINE.test(lines[0]!))) lines.shift();
  // Commentary after a blank line at the end: the prompt is the first paragraph(s) before it.
  const blank = lines.indexOf('');
  if (blank !== -1) {
    const cut = lines.findIndex((l, i) => i > blank && lines[i - 1] === '' && COMMENTARY.test(l));
    if (cut !== -1) lines = lines.slice(0, cut);
  }
  const joined = lines
    .filter((l) => l !== '')
    .map((l) => l.replace(/[ \t]+/g, ' '))
    .join('\n');
  return unquote(joined.replace(LABEL, ''));
}

/** Cut at the last separator before `max`, so no tag or word is left half. */
function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max);
  const at = Math.max(head.lastIndexOf(','), head.lastIndexOf('\n'), head.lastIndexOf(' '));
  return (at > max * 0.5 ? head.slice(0, at) : head).replace(/[\s,]+$/, '');
}

export function cleanAnswer(raw: string, original: string, max: number): Cleaned {
  const warnings: string[] = [];
  let text = stripThinking(raw);
  text = unfence(text);
  // Wrapping nests ("Prompt:" inside quotes inside a fence): peel until nothing changes.
  for (let guard = 0; guard < 4; guard++) {
    const next = unwrap(text);
    if (next === text) break;
    text = next;
  }
  if (!text) return { text: '', warnings };

  const missingLoras = [...new Set(original.match(LORA_TAG) ?? [])].filter(
    (tag) => !text.includes(tag),
  );
  const tail = missingLoras.length ? ` ${missingLoras.join(' ')}` : '';
  if (text.length + tail.length > max) {
    text = cap(text, max - tail.length);
    warnings.push(`The answer was longer than ${max.toLocaleString('en')} characters: it was cut`);
  }
  if (missingLoras.length) {
    text += tail;
    warnings.push(
      `The model left out ${missingLoras.join(' ')}: put back at the end of the prompt`,
    );
  }
  for (const [what, pattern] of [
    ['wildcard', WILDCARD],
    ['alternatives', ALTERNATIVES],
  ] as const) {
    const lost = [...new Set(original.match(pattern) ?? [])].filter((s) => !text.includes(s));
    if (lost.length)
      warnings.push(
        `The model left out the ${what} ${lost.join(', ')}: the prompt no longer varies there`,
      );
  }
  return { text, warnings };
}
