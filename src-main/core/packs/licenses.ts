import { readFileSync } from 'node:fs';
import path from 'node:path';
import { licenseLabels, licenseTypes, type PackLicenseType } from '../../contract/packs';
import { appRoot } from '../util/version';

const cache = new Map<PackLicenseType, string>();

/** The variant text as shipped in resources/licenses, with its {{TOKENS}} unfilled. */
export function licenseTemplate(type: PackLicenseType): string {
  let t = cache.get(type);
  if (t === undefined) {
    if (!licenseTypes.includes(type)) throw new Error(`Unknown license type ${type}`);
    t = readFileSync(path.join(appRoot(), 'resources', 'licenses', `${type}.txt`), 'utf8');
    cache.set(type, t);
  }
  return t;
}

export interface LicenseValues {
  holder: string;
  support: string;
  packName: string;
  packVersion: string;
  year: number;
}

/** Tokens whose value is empty stay visible as {{TOKEN}} so the placeholder check catches them. */
export function renderLicense(
  type: PackLicenseType,
  v: LicenseValues,
  /** The pack's own text (edited in the Packs page) instead of the variant's template. */
  custom?: string | null,
): { text: string; placeholders: string[] } {
  const values: Record<string, string> = {
    HOLDER: v.holder.trim(),
    SUPPORT: v.support.trim(),
    PACK_NAME: v.packName.trim(),
    PACK_VERSION: v.packVersion.trim(),
    YEAR: String(v.year),
    LICENSE_NAME: licenseLabels[type],
  };
  const text = (custom?.trim() ? custom : licenseTemplate(type)).replace(
    /\{\{([A-Z_]+)\}\}/g,
    (m, key: string) => values[key] || m,
  );
  return { text, placeholders: findPlaceholders(text) };
}

/**
 * Text a buyer must never see: unfilled template tokens and the usual "fill me in" markers.
 * Returned de-duplicated, in order of appearance.
 */
export function findPlaceholders(text: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /\{\{[^}]*\}\}/g,
    /\[(?:your|insert|holder|name|company|email|contact)[^\]]*\]/gi,
    /\bTODO\b|\bTBD\b|\bFIXME\b/g,
    /lorem ipsum/gi,
    /<(?:your|insert)[^>]*>/gi,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) found.add(m[0]);
  return [...found];
}

/** The first line of each variant names it: the post-export check compares it with the pack's type. */
export function licenseHeading(type: PackLicenseType): string {
  return licenseTemplate(type).split('\n', 1)[0]!.trim();
}
