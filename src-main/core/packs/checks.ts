import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import sharp from 'sharp';
import type {
  PackCheckReport,
  PackIssue,
  PackIssueFix,
  PackPreset,
  PresetId,
} from '../../contract/packs';
import type { Atelier } from '../app/atelier';
import { resolveFfTool } from '../engines/ffmpeg';
import { runProgram } from '../engines/runProgram';
import { nonCommercialModels, packModelUses, sameModelHash } from '../models/modelStore';
import { statements } from '../db/statements';
import { nowIso } from '../util/ids';
import { readSubtitles } from '../util/subtitleFormats';
import { clashKey, fileNameProblems, wantedName } from './fileNames';
import { findPlaceholders, renderLicense } from './licenses';
import {
  acceptedKeys,
  effectiveNames,
  packMembers,
  requirePack,
  type PackDbRow,
  type PackMemberRow,
} from './packStore';
import { getPreset } from './presets';
import { planParts } from './parts';

type Draft = Omit<PackIssue, 'key' | 'accepted'> & { key?: string };

/** "Remove from pack" for the assets a check names. */
function removeFix(assetIds: string[]): PackIssueFix {
  return {
    kind: 'remove',
    label: assetIds.length === 1 ? 'Remove from pack' : `Remove these ${assetIds.length}`,
    assetIds,
  };
}

/** Two perceptual hashes this close (of 64 bits) are the same picture, resized or re-encoded. */
const NEAR_DUPLICATE_BITS = 6;

export function hamming(a: string, b: string): number {
  if (a.length !== b.length) return 64;
  let d = 0;
  for (let i = 0; i < a.length; i += 8) {
    let x = (parseInt(a.slice(i, i + 8), 16) ^ parseInt(b.slice(i, i + 8), 16)) >>> 0;
    while (x) {
      x &= x - 1;
      d++;
    }
  }
  return d;
}

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }))
    h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Whether the file still exists and is the one ingest saw; a size or time change is confirmed by hash. */
export async function fileState(m: PackMemberRow): Promise<'ok' | 'missing' | 'changed'> {
  let st;
  try {
    st = await stat(m.path);
  } catch {
    return 'missing';
  }
  if (!st.isFile()) return 'missing';
  if (st.size === m.size_bytes && Math.abs(st.mtimeMs - m.mtime_ms) < 2) return 'ok';
  return (await sha256File(m.path)) === m.sha256 ? 'ok' : 'changed';
}

async function mediaProblem(core: Atelier, m: PackMemberRow): Promise<string | null> {
  try {
    if (m.type === 'image') {
      const meta = await sharp(m.path, { failOn: 'error' }).metadata();
      if (!meta.width || !meta.height) return 'has no dimensions';
      return null;
    }
    if (m.type === 'subtitles') {
      readSubtitles(await readFile(m.path), m.filename);
      return null;
    }
    const ffprobe = resolveFfTool('ffprobe', null).path;
    if (!ffprobe) return null; // Cannot judge without ffprobe; the engines page reports it missing.
    const r = await runProgram(
      ffprobe,
      ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'json', m.path],
      { label: 'ffprobe', timeoutMs: 30_000, captureStdout: 'text', allowFailure: true },
    );
    if (r.exitCode !== 0) return (r.stderr || 'ffprobe failed').split('\n')[0]!.slice(0, 200);
    const streams =
      (JSON.parse(r.stdout || '{}') as { streams?: { codec_type?: string }[] }).streams ?? [];
    const want = m.type === 'video' ? 'video' : 'audio';
    if (!streams.some((s) => s.codec_type === want)) return `has no ${want} stream`;
    return null;
  } catch (err) {
    return (err as Error).message.split('\n')[0]!.slice(0, 200);
  }
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

export interface CheckOptions {
  preset?: PresetId;
  /** Skip decoding media (the export re-checks what it reads anyway). */
  quick?: boolean;
}

/**
 * Everything a creator should see before a pack goes to buyers. Errors block the export until
 * fixed or accepted; warnings inform. Keys are stable so accepting one survives re-checks.
 */
export async function checkPack(
  core: Atelier,
  packId: string,
  options: CheckOptions = {},
): Promise<PackCheckReport> {
  const pack = requirePack(core, packId);
  const members = packMembers(core, packId);
  const preset = getPreset(
    options.preset ?? (pack.default_preset as PresetId | null) ?? 'standard',
  );
  const drafts: Draft[] = [];
  const add = (d: Draft) => drafts.push(d);
  const label = (ms: PackMemberRow[]) =>
    ms
      .slice(0, 3)
      .map((m) => m.filename)
      .join(', ') + (ms.length > 3 ? ` and ${ms.length - 3} more` : '');

  if (members.length === 0)
    add({
      code: 'empty_pack',
      severity: 'error',
      message: 'The pack has no assets yet.',
      assetIds: [],
    });

  const pending = members.filter((m) => m.status === 'pending');
  if (pending.length)
    add({
      code: 'unapproved',
      severity: 'warning',
      message: `${pending.length} not yet approved: ${label(pending)}`,
      assetIds: pending.map((m) => m.asset_id),
      fix: {
        kind: 'approve',
        label: pending.length === 1 ? 'Approve it' : `Approve these ${pending.length}`,
        assetIds: pending.map((m) => m.asset_id),
      },
    });
  const rejected = members.filter((m) => m.status === 'rejected');
  if (rejected.length)
    add({
      code: 'rejected',
      severity: 'error',
      message: `${rejected.length} rejected in curation: ${label(rejected)}`,
      assetIds: rejected.map((m) => m.asset_id),
      fix: removeFix(rejected.map((m) => m.asset_id)),
    });

  const states = await mapLimit(members, 4, async (m) =>
    m.deleted_at ? 'missing' : await fileState(m),
  );
  const gone = members.filter((_, i) => states[i] === 'missing');
  if (gone.length) {
    add({
      code: 'missing_file',
      severity: 'warning',
      message: `${gone.length} file${gone.length === 1 ? ' is' : 's are'} missing from disk and will be left out: ${label(gone)}`,
      assetIds: gone.map((m) => m.asset_id),
      fix: removeFix(gone.map((m) => m.asset_id)),
    });
  }
  const changed = members.filter((_, i) => states[i] === 'changed');
  if (changed.length) {
    add({
      code: 'changed_file',
      severity: 'warning',
      message: `${changed.length} file${changed.length === 1 ? ' has' : 's have'} changed on disk since import (different hash): ${label(changed)}`,
      assetIds: changed.map((m) => m.asset_id),
    });
  }

  if (!options.quick) {
    // Images are cheap to re-check (a header read). Audio and video cost an ffprobe each (~60 ms),
    // so those that ingest already probed and that are byte-for-byte unchanged are trusted.
    const present = members.filter(
      (m, i) =>
        states[i] === 'changed' ||
        (states[i] === 'ok' &&
          (m.type === 'image' || (m.duration_sec === null && m.codec === null))),
    );
    const problems = await mapLimit(present, 2, (m) => mediaProblem(core, m));
    present.forEach((m, i) => {
      const p = problems[i];
      if (p)
        add({
          code: 'corrupt_media',
          severity: 'error',
          message: `${m.filename} cannot be read: ${p}`,
          assetIds: [m.asset_id],
          key: `corrupt_media:${m.asset_id}`,
          fix: removeFix([m.asset_id]),
        });
    });
  }

  const bySha = new Map<string, PackMemberRow[]>();
  for (const m of members) bySha.set(m.sha256, [...(bySha.get(m.sha256) ?? []), m]);
  for (const group of bySha.values()) {
    if (group.length > 1)
      add({
        code: 'duplicate_exact',
        severity: 'warning',
        message: `Identical files: ${label(group)}`,
        assetIds: group.map((m) => m.asset_id),
        fix: {
          kind: 'remove',
          label: group.length === 2 ? 'Remove the copy' : `Remove ${group.length - 1} copies`,
          assetIds: group.slice(1).map((m) => m.asset_id),
        },
      });
  }
  const withPhash = members.filter((m) => m.phash && m.type === 'image');
  const exactKey = (m: PackMemberRow) => m.sha256;
  // Quadratic, but over images only and 64-bit compares: 5,000 images is 12.5M compares (~0.3 s).
  if (withPhash.length <= 5000) {
    const seen = new Set<string>();
    for (let i = 0; i < withPhash.length; i++) {
      const a = withPhash[i]!;
      if (seen.has(a.asset_id)) continue;
      const group = [a];
      for (let j = i + 1; j < withPhash.length; j++) {
        const b = withPhash[j]!;
        if (
          exactKey(a) !== exactKey(b) &&
          !seen.has(b.asset_id) &&
          hamming(a.phash!, b.phash!) <= NEAR_DUPLICATE_BITS
        )
          group.push(b);
      }
      if (group.length > 1) {
        for (const g of group) seen.add(g.asset_id);
        add({
          code: 'duplicate_near',
          severity: 'warning',
          message: `Nearly identical images: ${label(group)}`,
          assetIds: group.map((m) => m.asset_id),
        });
      }
    }
  }

  if (pack.license_type !== 'personal') {
    const nc = nonCommercialModels(core);
    const culprits = new Set<string>();
    const flaggedIds = new Set<string>();
    for (const use of packModelUses(core, packId)) {
      const name =
        nc.keys.get(use.matchKey) ??
        (use.hash ? nc.hashes.find((h) => sameModelHash(h.hash, use.hash!))?.name : undefined);
      if (!name) continue;
      culprits.add(name);
      flaggedIds.add(use.assetId);
    }
    // Any asset whose metadata names the model: an upscale of a generated image carries its source's.
    const flagged = members.filter((m) => flaggedIds.has(m.asset_id));
    if (flagged.length) {
      add({
        code: 'noncommercial_model',
        severity: 'error',
        message: `${flagged.length} AI-generated asset${flagged.length === 1 ? ' was' : 's were'} made with ${[...culprits].sort().join(', ')}, marked non-commercial, in a ${pack.license_type.replace('_', ' ')} pack: ${label(flagged)}`,
        assetIds: flagged.map((m) => m.asset_id),
        fix: removeFix(flagged.map((m) => m.asset_id)),
      });
    }
    // Localised outputs record the engines, models and voices that made them: a non-commercial
    // one (NLLB, XTTS-v2…) blocks them as a non-commercial checkpoint does.
    const engineUses = statements(core.sqlite).all(
      `SELECT a.id asset_id, json_extract(e.value, '$.name') name
         FROM pack_assets pa JOIN assets a ON a.id = pa.asset_id,
              json_each(CASE WHEN json_valid(a.derivation) THEN a.derivation ELSE '{}' END, '$.engines') e
        WHERE pa.pack_id = ? AND json_extract(e.value, '$.nonCommercial') = 1`,
      [packId],
    ) as { asset_id: string; name: string }[];
    const byEngine = members.filter(
      (m) => !flaggedIds.has(m.asset_id) && engineUses.some((u) => u.asset_id === m.asset_id),
    );
    if (byEngine.length) {
      const names = [...new Set(engineUses.map((u) => u.name))].sort();
      add({
        code: 'noncommercial_model',
        severity: 'error',
        message: `${byEngine.length} asset${byEngine.length === 1 ? ' was' : 's were'} made with ${names.join(', ')}, whose licence forbids commercial use, in a ${pack.license_type.replace('_', ' ')} pack: ${label(byEngine)}`,
        assetIds: byEngine.map((m) => m.asset_id),
        fix: removeFix(byEngine.map((m) => m.asset_id)),
      });
    }
  }

  const wanted = members.map((m) => wantedName(m, m.export_filename));
  const effective = effectiveNames(members);
  const byKey = new Map<string, PackMemberRow[]>();
  wanted.forEach((w, i) => {
    const k = clashKey(w);
    byKey.set(k, [...(byKey.get(k) ?? []), members[i]!]);
  });
  for (const group of byKey.values()) {
    if (group.length > 1 && new Set(group.map((g) => g.sha256)).size > 1) {
      const renamed = group.slice(1).map((g) => effective[members.indexOf(g)]);
      add({
        code: 'name_clash',
        severity: 'warning',
        message: `${group.length} files share the name "${wanted[members.indexOf(group[0]!)]}" (ignoring case); they will be exported as ${renamed.join(', ')}`,
        assetIds: group.map((m) => m.asset_id),
      });
    }
  }
  members.forEach((m, i) => {
    const problems = fileNameProblems(wanted[i]!);
    if (problems.length) {
      add({
        code: 'invalid_name',
        severity: 'warning',
        message: `"${wanted[i]}" ${problems.join('; ')}; it will be exported as "${effective[i]}"`,
        assetIds: [m.asset_id],
        key: `invalid_name:${m.asset_id}:${wanted[i]}`,
      });
    }
  });

  const settings = await core.settings.getAll();
  const license = renderLicense(
    pack.license_type,
    {
      holder: settings.ownerName,
      support: settings.supportContact,
      packName: pack.name,
      packVersion: pack.version,
      year: new Date().getFullYear(),
    },
    pack.license_text,
  );
  if (
    license.placeholders.length ||
    !settings.ownerName.trim() ||
    !settings.supportContact.trim()
  ) {
    const noName = !settings.ownerName.trim();
    const noContact = !settings.supportContact.trim();
    const need = [noName && 'your name', noContact && 'a support contact'].filter(Boolean);
    add({
      code: 'placeholder',
      severity: 'error',
      message: need.length
        ? `LICENSE.txt would still hold placeholders (${license.placeholders.join(', ') || 'holder or contact'}): set ${need.join(' and ')} in Settings.`
        : `LICENSE.txt would still hold placeholders: ${license.placeholders.join(', ')}. Edit the pack’s licence text.`,
      assetIds: [],
      key: 'placeholder:license',
      fix: noName
        ? { kind: 'settings', label: 'Set your name', field: 'owner' }
        : noContact
          ? { kind: 'settings', label: 'Set your support contact', field: 'support' }
          : { kind: 'license', label: 'Edit licence text' },
    });
  }
  const readmeMarkers = findPlaceholders(`${pack.name}\n${pack.description}\n${pack.theme ?? ''}`);
  if (readmeMarkers.length) {
    add({
      code: 'placeholder',
      severity: 'error',
      message: `README.md would hold placeholder text from the pack’s name or description: ${readmeMarkers.join(', ')}`,
      assetIds: [],
      key: `placeholder:readme:${readmeMarkers.join('|')}`,
    });
  }

  presetIssues(preset, pack, members, states, add);

  const accepted = acceptedKeys(pack);
  const issues: PackIssue[] = drafts.map((d) => {
    const key = d.key ?? `${d.code}:${[...d.assetIds].sort().join(',')}`;
    return { ...d, key, accepted: accepted.has(key) };
  });
  return {
    packId,
    checkedAt: nowIso(),
    issues,
    blocking: issues.filter((i) => i.severity === 'error' && !i.accepted).length,
  };
}

function presetIssues(
  preset: PackPreset,
  pack: PackDbRow,
  members: PackMemberRow[],
  states: string[],
  add: (d: Draft) => void,
): void {
  const present = members.filter((_, i) => states[i] !== 'missing');
  if (preset.maxPartBytes) {
    const tooBig = present.filter((m) => m.size_bytes > preset.maxPartBytes! - (64 << 10));
    if (tooBig.length) {
      add({
        code: 'too_large',
        severity: 'error',
        message: `${tooBig.length} file${tooBig.length === 1 ? ' is' : 's are'} larger than ${preset.name}’s ${Math.round(preset.maxPartBytes / 1e6)} MB per-file limit: ${tooBig
          .slice(0, 3)
          .map((m) => m.filename)
          .join(', ')}`,
        assetIds: tooBig.map((m) => m.asset_id),
        fix: removeFix(tooBig.map((m) => m.asset_id)),
        key: `too_large:${preset.id}:${tooBig
          .map((m) => m.asset_id)
          .sort()
          .join(',')}`,
      });
    } else if (preset.maxFiles) {
      const parts = planParts(
        present.map((m) => ({ id: m.asset_id, bytes: m.size_bytes, type: m.type })),
        preset,
      ).length;
      if (parts > preset.maxFiles) {
        add({
          code: 'too_many_files',
          severity: 'warning',
          message: `${preset.name} allows ${preset.maxFiles} files per listing; this pack needs ${parts} parts. Split it into smaller packs or choose another preset.`,
          assetIds: [],
          key: `too_many_files:${preset.id}`,
        });
      }
    }
  }
  const previewable = present.filter((m) => m.type === 'image' || m.type === 'video').length;
  if (
    preset.minPreviews > 0 &&
    Math.min(previewable, 5) + (members.length ? 1 : 0) < preset.minPreviews
  ) {
    add({
      code: 'few_previews',
      severity: 'warning',
      message: `${preset.name} expects at least ${preset.minPreviews} preview images; this pack can produce ${Math.min(previewable, 5) + (members.length ? 1 : 0)}.`,
      assetIds: [],
      key: `few_previews:${preset.id}`,
    });
  }
  void pack;
}
