// Python's json module, as ComfyUI (aiohttp's json_response, Pillow's PNG text) uses it, so the
// ComfyUI fake writes the bytes the real server writes: `json.dumps` with its default `", "` and
// `": "` separators, ASCII-only output and float repr (`7.0`, `1e-05`), and `json.loads` that
// keeps object key order (a JS object would move "20" before "3") and int/float apart (Python
// keeps `7` and `7.0` distinct; the fake converts by input type like ComfyUI's validation does).

/** A Python float (always printed with a fraction or exponent). */
export class PyFloat {
  constructor(readonly value: number) {}
}

export type PyValue = null | boolean | number | string | PyFloat | PyValue[] | PyDict;
/** A Python dict: insertion-ordered string keys. Plain objects are accepted by `dumps` too. */
export type PyDict = Map<string, PyValue>;
type Dumpable =
  | PyValue
  | { [key: string]: Dumpable | undefined }
  | Dumpable[]
  | Map<string, Dumpable>;

/** repr(float) */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const neg = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  let out: string;
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    out = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (exp < 0) {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else if (digits.length <= exp + 1) {
    out = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  } else {
    out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return neg ? `-${out}` : out;
}

/** A JSON string as json.dumps writes it (ensure_ascii=True). */
export function dumpString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** json.dumps(value) */
export function dumps(v: Dumpable | undefined): string {
  if (v === null || v === undefined) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : floatRepr(v);
  if (typeof v === 'string') return dumpString(v);
  if (Array.isArray(v)) return `[${v.map((x) => dumps(x)).join(', ')}]`;
  const entries = v instanceof Map ? [...v.entries()] : Object.entries(v);
  return `{${entries
    .filter(([, x]) => x !== undefined)
    .map(([k, x]) => `${dumpString(k)}: ${dumps(x)}`)
    .join(', ')}}`;
}

/** repr() of a str or list of str, as ComfyUI's error details print them. */
export function pyRepr(v: string | string[]): string {
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  const quote = v.includes("'") && !v.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of v) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) {
      out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    } else out += ch;
  }
  return out + quote;
}

/** str() of a Python scalar (for messages like "Value 0 smaller than min of 1"). */
export function pyStr(v: PyValue): string {
  if (v instanceof PyFloat)
    return floatRepr(v.value).replace('Infinity', 'inf').replace('NaN', 'nan');
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null) return 'None';
  if (typeof v === 'string') return v;
  return dumps(v);
}

/** json.loads(text), keeping key order and the int/float distinction. Throws SyntaxError. */
export function loads(text: string): PyValue {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at char ${i}`);
  };
  const value = (): PyValue => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      const d: PyDict = new Map();
      ws();
      if (text[i] === '}') {
        i++;
        return d;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('Expecting property name enclosed in double quotes');
        const k = str();
        ws();
        if (text[i++] !== ':') fail("Expecting ':' delimiter");
        d.set(k, value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return d;
        } else fail("Expecting ',' delimiter");
      }
    }
    if (ch === '[') {
      i++;
      const a: PyValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return a;
        } else fail("Expecting ',' delimiter");
      }
    }
    if (ch === '"') return str();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
      ['NaN', new PyFloat(NaN)],
      ['Infinity', new PyFloat(Infinity)],
      ['-Infinity', new PyFloat(-Infinity)],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) return fail('Expecting value');
    i += m[0].length;
    return m[1] !== undefined || m[2] !== undefined ? new PyFloat(Number(m[0])) : Number(m[0]);
  };
  const str = (): string => {
    const start = i;
    i++;
    for (;;) {
      const c = text[i];
      if (c === undefined) fail('Unterminated string starting');
      if (c === '\\') i += 2;
      else if (c === '"') break;
      else i++;
    }
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const v = value();
  ws();
  if (i !== text.length) fail('Extra data');
  return v;
}

/** A PyValue as plain JavaScript (dicts become objects, floats numbers), for reading values. */
export function toJs(v: PyValue): unknown {
  if (v instanceof PyFloat) return v.value;
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, toJs(x)]));
  if (Array.isArray(v)) return v.map(toJs);
  return v;
}

/** Deep copy of a PyValue (ComfyUI copies prompts into history and the queue). */
export function clone(v: PyValue): PyValue {
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, clone(x)]));
  if (Array.isArray(v)) return v.map(clone);
  return v;
}
