#!/usr/bin/env node
// A stand-in for Argos Translate's `argos-translate` (argostranslate/cli.py, translate.py):
// - `argos-translate --from-lang en --to-lang es [TEXT]` (also -f/-t, --from-lang=en); without
//   TEXT it reads all of stdin; without TEXT or both languages it prints its help (exit 0); with
//   TEXT but no languages it prints TEXT unchanged;
// - its languages are those of its installed packages (argosPackages.mjs); a language none has
//   or a pair it cannot reach exits 2 the way argparse's parser.error does: the usage line, then
//   `argos-translate: error: 'xx' is not an installed language.` or `… error: No translation
//   installed from es to fr`;
// - a missing pair is reached through other installed languages, as get_installed_languages
//   chains packages (es→fr with es_en and en_fr; here the shortest chain);
// - each step translates paragraph by paragraph: the text split on "\n", each paragraph
//   translated, joined with "\n" and leading newlines stripped (CachedTranslation); the result
//   is printed with print(), so one newline follows it.
// It knows no language: a paragraph is translated word by word from the small table below
// (unknown words kept, a capital kept), so tests can check what came out.
// FAKE_ARGOS_CRASH=1 dies with the Python traceback of a model that does not load (exit 1).
import { installedPackages } from './argosPackages.mjs';

const words = [
  // en, es, fr, de
  ['the', 'el', 'le', 'der'],
  ['quick', 'rápido', 'rapide', 'schnelle'],
  ['brown', 'marrón', 'brun', 'braune'],
  ['fox', 'zorro', 'renard', 'Fuchs'],
  ['jumps', 'salta', 'saute', 'springt'],
  ['over', 'sobre', 'par-dessus', 'über'],
  ['lazy', 'perezoso', 'paresseux', 'faulen'],
  ['dog', 'perro', 'chien', 'Hund'],
  ['thank', 'gracias', 'merci', 'danke'],
  ['you', 'tú', 'vous', 'dir'],
  ['for', 'por', 'pour', 'für'],
  ['watching', 'mirar', 'regarder', 'zuschauen'],
  ['this', 'este', 'ce', 'dieses'],
  ['video', 'vídeo', 'vidéo', 'Video'],
  ['hello', 'hola', 'bonjour', 'hallo'],
  ['world', 'mundo', 'monde', 'Welt'],
];
const column = { en: 0, es: 1, fr: 2, de: 3 };

const usage = 'usage: argos-translate [-h] [--from-lang FROM_LANG] [--to-lang TO_LANG] [TEXT]\n';
const help = `${usage}
Open-source offline translation.

positional arguments:
  TEXT                  The text to translate. Read from standard input if missing.

options:
  -h, --help            show this help message and exit
  --from-lang FROM_LANG, -f FROM_LANG
                        The code for the language to translate from (ISO 639-1)
  --to-lang TO_LANG, -t TO_LANG
                        The code for the language to translate to (ISO 639-1)
`;

function fail(message) {
  process.stderr.write(`${usage}argos-translate: error: ${message}\n`);
  process.exit(2);
}

const args = { text: undefined, from: undefined, to: undefined };
const rest = process.argv.slice(2);
const extra = [];
for (let i = 0; i < rest.length; i++) {
  const a = rest[i];
  if (a === '-h' || a === '--help') {
    process.stdout.write(help);
    process.exit(0);
  }
  const m = /^(--from-lang|--to-lang|-f|-t)(?:=(.*))?$/.exec(a) ?? /^(-f|-t)(.+)$/.exec(a);
  if (m) {
    const value = m[2] ?? rest[++i];
    if (value === undefined) fail(`argument ${m[1]}: expected one argument`);
    if (m[1] === '--from-lang' || m[1] === '-f') args.from = value;
    else args.to = value;
  } else if (a.startsWith('-') && a !== '-') extra.push(a);
  else if (args.text === undefined) args.text = a;
  else extra.push(a);
}
if (extra.length) fail(`unrecognized arguments: ${extra.join(' ')}`);

const both = args.from !== undefined && args.to !== undefined;
let text;
if (args.text) text = args.text;
else if (both)
  text = await new Promise((resolve) => {
    let s = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (d) => (s += d));
    process.stdin.on('end', () => resolve(s));
  });
else {
  process.stdout.write(help);
  process.exit(0);
}

if (!both) {
  // IdentityTranslation: printed as given.
  process.stdout.write(`${text}\n`);
  process.exit(0);
}

const packages = installedPackages().filter((p) => p.type === 'translate');
const languages = new Set(packages.flatMap((p) => [p.from_code, p.to_code]));
const repr = (s) => `'${s}'`;
if (!languages.has(args.from)) fail(`${repr(args.from)} is not an installed language.`);
if (!languages.has(args.to)) fail(`${repr(args.to)} is not an installed language.`);

function route(from, to) {
  const cameFrom = new Map([[from, null]]);
  const queue = [from];
  while (queue.length) {
    const at = queue.shift();
    if (at === to) {
      const r = [at];
      for (let p = cameFrom.get(at); p; p = cameFrom.get(p)) r.unshift(p);
      return r;
    }
    for (const p of packages)
      if (p.from_code === at && !cameFrom.has(p.to_code)) {
        cameFrom.set(p.to_code, at);
        queue.push(p.to_code);
      }
  }
  return null;
}
const hops = route(args.from, args.to);
if (!hops) fail(`No translation installed from ${args.from} to ${args.to}`);

if (process.env.FAKE_ARGOS_CRASH === '1') {
  const pkg = packages.find((p) => p.from_code === hops[0] && p.to_code === hops[1]);
  process.stderr.write(`Traceback (most recent call last):
  File "/usr/local/bin/argos-translate", line 8, in <module>
    sys.exit(main())
  File "/usr/local/lib/python3.11/site-packages/argostranslate/cli.py", line 74, in main
    print(translation.translate(text_to_translate))
  File "/usr/local/lib/python3.11/site-packages/argostranslate/translate.py", line 206, in hypotheses
    self.translator = ctranslate2.Translator(**params)
RuntimeError: Unable to open file 'model.bin' in model '${pkg.path}/model'
`);
  process.exit(1);
}

function translateWord(word, from, to) {
  const row = words.find((r) => r[column[from]]?.toLowerCase() === word.toLowerCase());
  const out = row?.[column[to]];
  if (!out) return word;
  return word[0] === word[0].toUpperCase() && word[0] !== word[0].toLowerCase()
    ? out[0].toUpperCase() + out.slice(1)
    : out;
}

/** One package's step: paragraph by paragraph, as CachedTranslation does. */
function step(input, from, to) {
  let value = '';
  for (const paragraph of input.split('\n'))
    value = `${value}\n${paragraph.replace(/\p{L}+/gu, (w) => translateWord(w, from, to))}`;
  return value.replace(/^\n+/, '');
}

let out = text;
for (let i = 1; i < hops.length; i++) out = step(out, hops[i - 1], hops[i]);
process.stdout.write(`${out}\n`);
