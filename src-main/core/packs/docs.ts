import { licenseLabels, type PackLicenseType } from '../../contract/packs';
import type { PackDbRow, PackMemberRow } from './packStore';

export interface ExportedAsset {
  member: PackMemberRow;
  /** Name under assets/ (or the part's flat folder). */
  filename: string;
  relPath: string;
  sizeBytes: number;
  sha256: string;
  /** Set when re-encoded: the format it became. */
  reencodedTo: string | null;
  tags: string[];
  promptRelPath: string | null;
  /** What was taken out of the file (stripMetadata.ts), [] when nothing was. */
  strippedMetadata: string[];
}

/** What an export chose to ship, said in the README and the manifest. */
export interface ExportIncludes {
  /** prompts/ and each asset's generator in the manifest. */
  prompts: boolean;
  /** Generation metadata taken out of PNG, JPEG and WebP files. */
  metadataStripped: boolean;
}

export interface HistoryEntry {
  version: string;
  finishedAt: string;
  preset: string;
}

function changelogOf(pack: PackDbRow): { version: string; at: string; note: string }[] {
  try {
    const v = JSON.parse(pack.changelog ?? '[]') as unknown;
    return Array.isArray(v) ? (v as { version: string; at: string; note: string }[]) : [];
  } catch {
    return [];
  }
}

export { formatBytes } from '../../contract/format';
import { formatBytes } from '../../contract/format';

const usage: Record<PackLicenseType, { allowed: string[]; prohibited: string[] }> = {
  personal: {
    allowed: [
      'Personal, non-commercial projects',
      'Modifying and combining the files for those projects',
    ],
    prohibited: [
      'Any commercial use',
      'Reselling or redistributing the files',
      'Training AI models on the files',
    ],
  },
  commercial: {
    allowed: [
      'Personal and commercial projects, for you or your clients',
      'End products where the files are part of a larger design (up to 5,000 units)',
    ],
    prohibited: [
      'Reselling or redistributing the files',
      'Print-on-demand products where the file is the main element',
      'Training AI models on the files',
    ],
  },
  extended_commercial: {
    allowed: [
      'Everything the standard commercial licence allows, unlimited units',
      'Print-on-demand and merchandise where the file is the main element',
    ],
    prohibited: [
      'Reselling or redistributing the files themselves',
      'Training AI models on the files',
    ],
  },
  royalty_free: {
    allowed: ['Unlimited personal and commercial projects after a one-time purchase'],
    prohibited: ['Reselling or redistributing the files', 'Training AI models on the files'],
  },
  attribution: {
    allowed: ['Personal and commercial projects, with a credit to the author'],
    prohibited: [
      'Use without the credit',
      'Reselling or redistributing the files',
      'Training AI models on the files',
    ],
  },
};

function describeSpecs(a: ExportedAsset): string {
  const m = a.member;
  const bits: string[] = [];
  if (m.width && m.height) bits.push(`${m.width}×${m.height}`);
  if (m.duration_sec) bits.push(`${m.duration_sec.toFixed(1)} s`);
  if (m.sample_rate) bits.push(`${m.sample_rate} Hz`);
  if (m.fps) bits.push(`${Math.round(m.fps * 100) / 100} fps`);
  return bits.join(', ');
}

export interface ReadmeInput {
  includes?: ExportIncludes;
  pack: PackDbRow;
  assets: ExportedAsset[];
  holder: string;
  support: string;
  previews: string[];
  history: HistoryEntry[];
  exportedAt: string;
  parts: string[];
}

/** The buyer's first stop: what is inside, what they may do with it, and whom to ask. */
export function renderReadme(r: ReadmeInput): string {
  const { pack, assets } = r;
  const total = assets.reduce((s, a) => s + a.sizeBytes, 0);
  const lines: string[] = [`# ${pack.name}`, ''];
  if (pack.description.trim()) lines.push(pack.description.trim(), '');
  lines.push(
    `Version ${pack.version} · ${assets.length} files · ${formatBytes(total)} · ${licenseLabels[pack.license_type]} licence`,
    '',
  );
  if (pack.theme) lines.push(`Theme: ${pack.theme}`, '');
  lines.push('## Contents', '');
  for (const type of ['image', 'video', 'audio', 'subtitles'] as const) {
    const of = assets.filter((a) => a.member.type === type);
    if (!of.length) continue;
    const formats = [
      ...new Set(
        of.map((a) => (a.reencodedTo ?? a.member.ext ?? '').toUpperCase()).filter(Boolean),
      ),
    ].join(', ');
    const label = { image: 'Images', video: 'Videos', audio: 'Audio', subtitles: 'Subtitles' }[
      type
    ];
    lines.push(
      `- **${label}**: ${of.length} (${formats || 'various'}), ${formatBytes(of.reduce((s, a) => s + a.sizeBytes, 0))}`,
    );
  }
  lines.push(
    '',
    'Folders:',
    '',
    '- `assets/` the files',
    '- `previews/` a contact sheet and hero shots',
  );
  if (assets.some((a) => a.promptRelPath))
    lines.push('- `prompts/` generation details for each AI-generated file');
  const includes = r.includes ?? { prompts: true, metadataStripped: false };
  lines.push(
    '- `manifest.json` machine-readable list of every file',
    '- `checksums.txt` SHA-256 of every file (check with `sha256sum -c` after removing the "SHA256 (" wrappers, or any checksum tool)',
    '',
  );
  lines.push(
    '## What is included',
    '',
    `- Prompts and generation settings: ${includes.prompts ? 'yes (prompts/ and manifest.json)' : 'no'}`,
    `- Generation metadata in the files: ${includes.metadataStripped ? 'removed (PNG text, EXIF and XMP taken out without re-encoding; pixels unchanged)' : 'kept as created'}`,
    '',
  );
  if (r.parts.length > 1) {
    lines.push(
      'This pack comes in several ZIP files; extract them all into the same folder:',
      '',
      ...r.parts.map((p) => `- ${p}`),
      '',
    );
  }
  const u = usage[pack.license_type];
  lines.push(
    '## Usage',
    '',
    'Allowed:',
    '',
    ...u.allowed.map((x) => `- ${x}`),
    '',
    'Not allowed:',
    '',
    ...u.prohibited.map((x) => `- ${x}`),
    '',
  );
  lines.push(
    '## License',
    '',
    `${licenseLabels[pack.license_type]}. The full terms are in LICENSE.txt; they take precedence over this summary.`,
    '',
  );
  lines.push(
    '## Technical specs',
    '',
    '| File | Type | Format | Details | Size |',
    '| --- | --- | --- | --- | --- |',
  );
  const shown = assets.slice(0, 500);
  for (const a of shown) {
    lines.push(
      `| ${a.filename.replace(/\|/g, '\\|')} | ${a.member.type} | ${(a.reencodedTo ?? a.member.ext).toUpperCase()} | ${describeSpecs(a)} | ${formatBytes(a.sizeBytes)} |`,
    );
  }
  if (assets.length > shown.length)
    lines.push('', `…and ${assets.length - shown.length} more; manifest.json lists them all.`);
  lines.push('', '## Credits', '', `Created by ${r.holder}.`);
  if (assets.some((a) => a.member.provenance === 'ai_generated')) {
    lines.push(
      '',
      `Some files were created with AI image, video or audio models and curated, edited and selected by the author${includes.prompts ? '; see prompts/ for details' : ''}.`,
    );
  }
  lines.push('', '## Support', '', `Questions, problems or licence requests: ${r.support}`, '');
  lines.push('## Version history', '');
  const history = [
    { version: pack.version, finishedAt: r.exportedAt, preset: 'this export' },
    ...r.history.filter((h) => h.version !== pack.version),
  ];
  // The creator's changelog line for a version, where a bump gave one.
  const notes = new Map(changelogOf(pack).map((c) => [c.version, c.note]));
  const seen = new Set<string>();
  for (const h of history) {
    if (seen.has(h.version)) continue;
    seen.add(h.version);
    const note = notes.get(h.version);
    lines.push(`- ${h.version} — ${h.finishedAt.slice(0, 10)}${note ? ` — ${note}` : ''}`);
  }
  lines.push('');
  return lines.join('\n');
}

/** One .txt per AI-generated asset, beside its name: what made it. */
export function renderPrompt(a: ExportedAsset): string {
  const m = a.member;
  let params: Record<string, unknown> = {};
  try {
    params = (JSON.parse(m.generation_params ?? '{}') as Record<string, unknown>) ?? {};
  } catch {}
  const platform =
    typeof params.platform === 'string'
      ? params.platform
      : typeof params.generator === 'string'
        ? params.generator
        : (m.source ?? 'unknown');
  return [
    `File: ${a.filename}`,
    `Platform: ${platform}`,
    `Prompt: ${m.prompt ?? ''}`,
    `Negative prompt: ${m.negative_prompt ?? ''}`,
    `Seed: ${m.seed ?? ''}`,
    `Model: ${m.model ?? ''}${m.model_hash ? ` (${m.model_hash})` : ''}`,
    `Generated at: ${m.created_at}`,
    ...(Object.keys(params).length ? ['', 'Parameters:', JSON.stringify(params, null, 2)] : []),
    '',
  ].join('\n');
}

export interface ManifestInput {
  includes?: ExportIncludes & { strippedFiles: number };
  pack: PackDbRow;
  assets: ExportedAsset[];
  exportedAt: string;
  appVersion: string;
  previews: string[];
  docs: { relPath: string; sha256: string; sizeBytes: number }[];
  parts: string[];
}

export function buildManifest(m: ManifestInput): Record<string, unknown> {
  const total = m.assets.reduce((s, a) => s + a.sizeBytes, 0);
  const includes = m.includes ?? { prompts: true, metadataStripped: false, strippedFiles: 0 };
  return {
    manifest_version: 1,
    app: 'Atelier',
    app_version: m.appVersion,
    exported_at: m.exportedAt,
    pack: {
      id: m.pack.id,
      name: m.pack.name,
      slug: m.pack.slug,
      theme: m.pack.theme,
      description: m.pack.description,
      license_type: m.pack.license_type,
      version: m.pack.version,
      asset_count: m.assets.length,
      total_size_bytes: total,
    },
    parts: m.parts,
    includes: {
      prompts: includes.prompts,
      generation_metadata_stripped: includes.metadataStripped,
      stripped_files: includes.strippedFiles,
    },
    changelog: changelogOf(m.pack),
    assets: m.assets.map((a) => {
      let params: unknown = null;
      try {
        params = a.member.generation_params ? JSON.parse(a.member.generation_params) : null;
      } catch {}
      const ai = a.member.provenance === 'ai_generated' || !!a.member.prompt;
      return {
        asset_id: a.member.asset_id,
        filename: a.filename,
        rel_path: a.relPath,
        type: a.member.type,
        width: a.member.width,
        height: a.member.height,
        duration: a.member.duration_sec,
        size_bytes: a.sizeBytes,
        sha256: a.sha256,
        tags: a.tags,
        provenance: a.member.provenance,
        // Without prompts, nothing of how it was made leaves: not the prompt, seed, model or params.
        generator:
          ai && includes.prompts
            ? {
                prompt: a.member.prompt,
                negative_prompt: a.member.negative_prompt,
                seed: a.member.seed,
                model: a.member.model,
                model_hash: a.member.model_hash,
                params,
              }
            : null,
        edits: {
          derived_from: a.member.derived_from,
          derivation: a.member.derivation,
          upscaled: a.member.is_upscaled === 1,
          reencoded_to: a.reencodedTo,
          metadata_removed: a.strippedMetadata,
        },
        prompt_file: a.promptRelPath,
      };
    }),
    previews: m.previews,
    checksums: Object.fromEntries([
      ...m.assets.map((a) => [a.relPath, a.sha256]),
      ...m.docs.map((d) => [d.relPath, d.sha256]),
    ]),
  };
}

/** BSD-style lines (`SHA256 (path) = hex`), the format PACK_EXPORT.md fixes. */
export function renderChecksums(entries: { relPath: string; sha256: string }[]): string {
  return entries.map((e) => `SHA256 (${e.relPath}) = ${e.sha256}`).join('\n') + '\n';
}

function clip(s: string, max: number): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length <= max ? t : t.slice(0, max - 1).replace(/\s+\S*$/, '') + '…';
}

/** Listing text a creator pastes into the store: titles and descriptions within the stores' limits. */
export function renderStoreCopy(pack: PackDbRow, assets: ExportedAsset[], tags: string[]): string {
  const total = assets.reduce((s, a) => s + a.sizeBytes, 0);
  const counts = (['image', 'video', 'audio', 'subtitles'] as const)
    .map((t) => [t, assets.filter((a) => a.member.type === t).length] as const)
    .filter(([, n]) => n > 0)
    .map(
      ([t, n]) =>
        `${n} ${{ image: 'images', video: 'videos', audio: 'audio files', subtitles: 'subtitle files' }[t]}`,
    );
  const title = clip(
    `${pack.name}${pack.theme ? ` – ${pack.theme}` : ''} (${counts.join(', ')})`,
    60,
  );
  const short = clip(
    pack.description ||
      `${counts.join(', ')} in one download, ${licenseLabels[pack.license_type].toLowerCase()} licence.`,
    160,
  );
  return [
    `TITLE (max 60 characters)`,
    title,
    '',
    `SHORT DESCRIPTION (max 160 characters)`,
    short,
    '',
    'LONG DESCRIPTION',
    pack.description.trim() || short,
    '',
    "WHAT'S INCLUDED",
    ...counts.map((c) => `- ${c}`),
    `- ${formatBytes(total)} in total`,
    '- README.md, LICENSE.txt, previews, manifest.json and checksums.txt',
    '',
    'SUGGESTED TAGS',
    tags.slice(0, 13).join(', '),
    '',
  ].join('\n');
}

export function suggestedTags(pack: PackDbRow, assets: ExportedAsset[]): string[] {
  const counts = new Map<string, number>();
  for (const a of assets)
    for (const t of a.tags) counts.set(t.toLowerCase(), (counts.get(t.toLowerCase()) ?? 0) + 1);
  const fromAssets = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([t]) => t);
  const base = [pack.theme, ...pack.name.toLowerCase().split(/\W+/)].filter(
    (x): x is string => !!x && x.length > 2,
  );
  return [...new Set([...base.map((b) => b.toLowerCase()), ...fromAssets])].slice(0, 13);
}
