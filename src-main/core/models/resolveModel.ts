import path from 'node:path';
import { AppError } from '../../contract/errors';
import type { ModelFamily, ModelKind } from '../../contract/models';
import type { Atelier } from '../app/atelier';
import { statements } from '../db/statements';
import { matchKey } from './modelNames';

/** A model from the registry with the files it has, here and on servers. */
export interface ModelRecord {
  id: string;
  name: string;
  matchKey: string;
  kind: ModelKind;
  family: ModelFamily | null;
  sha256: string | null;
  autov2: string | null;
  nonCommercial: boolean;
  triggerToken: string | null;
  triggerWords: string[];
  files: { location: string; path: string }[];
}

interface Row {
  id: string;
  name: string;
  match_key: string;
  kind: ModelKind;
  family: ModelFamily | null;
  sha256: string | null;
  autov2: string | null;
  non_commercial: number;
  trigger_token: string | null;
  trigger_words: string | null;
}

const columns = `id, name, match_key, kind, family, sha256, autov2, non_commercial, trigger_token, trigger_words`;

function toRecord(core: Atelier, r: Row): ModelRecord {
  const files = statements(core.sqlite).all(
    `SELECT location, path FROM model_files WHERE model_id = ? AND problem IS NULL ORDER BY location = 'local' DESC, path`,
    [r.id],
  ) as { location: string; path: string }[];
  let words: string[] = [];
  try {
    words = r.trigger_words ? (JSON.parse(r.trigger_words) as string[]) : [];
  } catch {}
  return {
    id: r.id,
    name: r.name,
    matchKey: r.match_key,
    kind: r.kind,
    family: r.family,
    sha256: r.sha256,
    autov2: r.autov2,
    nonCommercial: r.non_commercial === 1,
    triggerToken: r.trigger_token,
    triggerWords: words,
    files,
  };
}

/** By id, then name / file name (any folder, any case), then hash (AutoV2 or the full SHA-256). */
export function findModel(core: Atelier, ref: string): ModelRecord | null {
  const q = statements(core.sqlite);
  const text = ref.trim();
  const byId = q.all(`SELECT ${columns} FROM models WHERE id = ?`, [text]) as Row[];
  if (byId[0]) return toRecord(core, byId[0]);
  const key = matchKey(text);
  const byKey = q.all(`SELECT ${columns} FROM models WHERE match_key = ?`, [key]) as Row[];
  if (byKey[0]) return toRecord(core, byKey[0]);
  // A path as a server or another tool writes it ("SDXL/juggernaut.safetensors").
  const byFile = q.all(
    `SELECT ${columns} FROM models WHERE id IN (SELECT model_id FROM model_files WHERE path = ? OR path LIKE ? ESCAPE '\\')`,
    [text, `%/${path.posix.basename(text.replace(/\\/g, '/')).replace(/[%_\\]/g, '\\$&')}`],
  ) as Row[];
  if (byFile[0]) return toRecord(core, byFile[0]);
  if (/^[0-9a-f]{10,64}$/i.test(text)) {
    const h = text.toLowerCase();
    const byHash = q.all(`SELECT ${columns} FROM models WHERE autov2 = ? OR sha256 = ?`, [
      h.slice(0, 10),
      h,
    ]) as Row[];
    if (byHash[0]) return toRecord(core, byHash[0]);
  }
  return null;
}

/**
 * The model a request names, or a not_found error that lists what there is: the creator typed
 * a name from memory, and the closest names are the quickest fix.
 */
export function requireModel(core: Atelier, ref: string, kind: ModelKind): ModelRecord {
  const found = findModel(core, ref);
  if (found && found.kind === kind) return found;
  const known = (
    statements(core.sqlite).all(
      `SELECT name FROM models WHERE kind = ? AND id IN (SELECT model_id FROM model_files WHERE problem IS NULL) ORDER BY name LIMIT 200`,
      [kind],
    ) as { name: string }[]
  ).map((r) => r.name);
  const words: Record<ModelKind, string> = {
    checkpoint: 'model',
    lora: 'LoRA',
    vae: 'VAE',
    upscaler: 'upscale model',
    other: 'model file',
  };
  const word = words[kind];
  if (found)
    throw new AppError('invalid_input', `“${ref}” is a ${words[found.kind]}, not a ${word}.`);
  const q = matchKey(ref);
  const close = known.filter((n) => {
    const k = matchKey(n);
    return k.includes(q) || q.includes(k);
  });
  const list = (close.length ? close : known).slice(0, 8);
  throw new AppError(
    'not_found',
    `No ${word} “${ref}”. ${
      list.length
        ? `${close.length ? 'Did you mean' : 'Known:'} ${list.join(', ')}${close.length ? '?' : ''}`
        : `None found yet: put ${kind === 'lora' ? 'LoRA' : 'model'} files in the models folder (or add a folder in Settings → Engines) and scan.`
    }`,
    { ref, kind },
  );
}
