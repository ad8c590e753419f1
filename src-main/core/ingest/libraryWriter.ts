import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { IngestOutcomeKind } from '../../contract/library';
import type { Provenance } from '../db/schema';
import { nowIso, uuidv7 } from '../util/ids';
import type { IngestError } from '../util/ingestError';
import { fileColumns, type PreparedFile, type ProbeData } from './prepare';
import { statements } from '../db/statements';
import { indexSaid } from './searchText';

export interface FolderDefaults {
  id: string;
  path: string;
  recursive: number;
  default_theme: string | null;
  default_source: string | null;
  default_provenance: Provenance | null;
}

export interface CommitResult {
  outcome: IngestOutcomeKind | 'needsProbe';
  assetId: string | null;
  /** A thumbnail key no longer used by this asset, to delete once nothing else uses it. */
  staleThumbKey?: string;
}

export type RemoveOutcome = 'missing' | 'moved' | 'copy_removed' | 'none';

interface AssetAtPath {
  id: string;
  sha256: string;
  missing: number;
  deleted_at: string | null;
  thumb_key: string | null;
}

/**
 * Every write ingest makes, as synchronous better-sqlite3 statements, so that the decision for
 * each file (new, duplicate, moved, restored, changed) is taken inside the transaction that
 * records it and two files with the same bytes in one batch cannot both become assets.
 */
export class LibraryWriter {
  private readonly s;

  constructor(private readonly sqlite: BetterSqlite3.Database) {
    const p = (sql: string) => statements(sqlite).get(sql);
    this.s = {
      assetByPath: p(
        'SELECT id, sha256, missing, deleted_at, thumb_key FROM assets WHERE path = ?',
      ),
      copyByPath: p(
        'SELECT c.asset_id, a.sha256 FROM asset_copies c JOIN assets a ON a.id = c.asset_id WHERE c.path = ?',
      ),
      assetsBySha: p(
        'SELECT id, path, missing FROM assets WHERE sha256 = ? AND deleted_at IS NULL ORDER BY missing DESC, added_at LIMIT 20',
      ),
      probedSha: p(
        'SELECT thumb_key FROM assets WHERE sha256 = ? AND thumb_key IS NOT NULL LIMIT 1',
      ),
      folders: p(
        'SELECT id, path, recursive, default_theme, default_source, default_provenance FROM watch_folders',
      ),
      touch: p(
        'UPDATE assets SET size_bytes = ?, mtime_ms = ?, missing = 0, updated_at = ? WHERE id = ?',
      ),
      touchCopy: p(
        'UPDATE asset_copies SET size_bytes = ?, mtime_ms = ?, missing = 0 WHERE path = ?',
      ),
      deleteCopy: p('DELETE FROM asset_copies WHERE path = ?'),
      insertCopy: p(
        'INSERT INTO asset_copies (path, asset_id, folder_id, size_bytes, mtime_ms, missing, added_at) VALUES (?, ?, ?, ?, ?, 0, ?) ' +
          'ON CONFLICT(path) DO UPDATE SET asset_id = excluded.asset_id, size_bytes = excluded.size_bytes, mtime_ms = excluded.mtime_ms, missing = 0',
      ),
      relocate: p(
        'UPDATE assets SET path = ?, folder_id = ?, filename = ?, ext = ?, size_bytes = ?, mtime_ms = ?, missing = 0, updated_at = ? WHERE id = ?',
      ),
      insert:
        p(`INSERT INTO assets (id, path, folder_id, filename, ext, type, mime, sha256, phash, size_bytes, mtime_ms,
          width, height, duration_sec, sample_rate, channels, fps, codec, audio_codec, bit_rate, format,
          has_alpha, has_audio, is_animated, orientation, theme, source, provenance,
          prompt, negative_prompt, seed, model, model_hash, generation_params, raw_metadata, thumb_key,
          language, created_at, added_at, updated_at)
        VALUES (@id, @path, @folder_id, @filename, @ext, @type, @mime, @sha256, @phash, @size_bytes, @mtime_ms,
          @width, @height, @duration_sec, @sample_rate, @channels, @fps, @codec, @audio_codec, @bit_rate, @format,
          @has_alpha, @has_audio, @is_animated, @orientation, @theme, @source, @provenance,
          @prompt, @negative_prompt, @seed, @model, @model_hash, @generation_params, @raw_metadata, @thumb_key,
          @language, @created_at, @added_at, @updated_at)`),
      reprobe:
        p(`UPDATE assets SET type = @type, mime = @mime, sha256 = @sha256, phash = @phash, size_bytes = @size_bytes,
          mtime_ms = @mtime_ms, width = @width, height = @height, duration_sec = @duration_sec, sample_rate = @sample_rate,
          channels = @channels, fps = @fps, codec = @codec, audio_codec = @audio_codec, bit_rate = @bit_rate, format = @format,
          has_alpha = @has_alpha, has_audio = @has_audio, is_animated = @is_animated, orientation = @orientation,
          raw_metadata = @raw_metadata, thumb_key = @thumb_key, missing = 0, updated_at = @updated_at,
          language = coalesce(@language, language),
          prompt = coalesce(@prompt, prompt), negative_prompt = coalesce(@negative_prompt, negative_prompt),
          seed = coalesce(@seed, seed), model = coalesce(@model, model), model_hash = coalesce(@model_hash, model_hash),
          generation_params = coalesce(@generation_params, generation_params),
          provenance = CASE WHEN @generation_params IS NOT NULL THEN 'ai_generated' ELSE provenance END,
          source = coalesce(@gen_source, source)
        WHERE id = @id`),
      thumbKeyUsers: p('SELECT count(*) AS n FROM assets WHERE thumb_key = ?'),
      markMissing: p('UPDATE assets SET missing = 1, updated_at = ? WHERE id = ?'),
      liveCopies: p(
        'SELECT path, folder_id, size_bytes, mtime_ms FROM asset_copies WHERE asset_id = ? AND missing = 0 ORDER BY added_at',
      ),
      clearFailure: p('DELETE FROM ingest_failures WHERE path = ?'),
      upsertFailure:
        p(`INSERT INTO ingest_failures (id, path, folder_id, code, reason, size_bytes, mtime_ms, attempts, first_at, last_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
          ON CONFLICT(path) DO UPDATE SET code = excluded.code, reason = excluded.reason, folder_id = excluded.folder_id,
            size_bytes = excluded.size_bytes, mtime_ms = excluded.mtime_ms, attempts = attempts + 1, last_at = excluded.last_at
          RETURNING id, attempts, first_at`),
    };
  }

  /** Whether some asset with these bytes already has its thumbnails (so probing can be skipped). */
  hasProbedAsset(sha256: string): boolean {
    return this.s.probedSha.get(sha256) !== undefined;
  }

  /** The innermost watch folder a path lies in (respecting non-recursive folders), if any. */
  folderFor(file: string): FolderDefaults | null {
    let best: FolderDefaults | null = null;
    for (const f of this.s.folders.all() as FolderDefaults[]) {
      const inside = file.startsWith(f.path.endsWith(path.sep) ? f.path : f.path + path.sep);
      if (!inside) continue;
      if (!f.recursive && path.dirname(file) !== f.path) continue;
      if (!best || f.path.length > best.path.length) best = f;
    }
    return best;
  }

  /** Commits a batch of prepared files in one transaction; one result per file, in order. */
  commit(files: PreparedFile[]): CommitResult[] {
    const run = this.sqlite.transaction((batch: PreparedFile[]) =>
      batch.map((f) => this.commitOne(f)),
    );
    return run(files);
  }

  private commitOne(f: PreparedFile): CommitResult {
    const at = nowIso();
    const folder = this.folderFor(f.path);
    const existing = this.s.assetByPath.get(f.path) as AssetAtPath | undefined;
    if (existing) {
      if (existing.deleted_at) {
        // In the trash: the user decided; keep the stamps current so reconcile leaves it be.
        this.s.touch.run(f.size, f.mtimeMs, at, existing.id);
        return { outcome: 'unchanged', assetId: existing.id };
      }
      if (existing.sha256 === f.sha256) {
        this.s.touch.run(f.size, f.mtimeMs, at, existing.id);
        this.s.clearFailure.run(f.path);
        return { outcome: existing.missing ? 'restored' : 'unchanged', assetId: existing.id };
      }
      if (!f.probe) return { outcome: 'needsProbe', assetId: existing.id };
      this.s.reprobe.run({
        ...this.rowValues(f, f.probe, at),
        id: existing.id,
        gen_source: f.probe.generation?.tool ?? null,
      });
      if (f.type === 'subtitles') indexSaid(this.sqlite, existing.id, f.probe.said);
      this.s.clearFailure.run(f.path);
      const stale =
        existing.thumb_key && existing.thumb_key !== f.sha256 ? existing.thumb_key : undefined;
      return {
        outcome: 'updated',
        assetId: existing.id,
        ...(stale ? { staleThumbKey: stale } : {}),
      };
    }

    const copy = this.s.copyByPath.get(f.path) as { asset_id: string; sha256: string } | undefined;
    if (copy) {
      if (copy.sha256 === f.sha256) {
        this.s.touchCopy.run(f.size, f.mtimeMs, f.path);
        this.s.clearFailure.run(f.path);
        return { outcome: 'unchanged', assetId: copy.asset_id };
      }
      // The copy was overwritten with other bytes: it is a new file now.
      this.s.deleteCopy.run(f.path);
    }

    const same = this.s.assetsBySha.all(f.sha256) as {
      id: string;
      path: string;
      missing: number;
    }[];
    if (same.length > 0) {
      // A missing asset with these bytes was moved or renamed here; so was one whose file is
      // gone but whose deletion the watcher has not reported yet. Otherwise this is a copy.
      const moved = same.find((a) => a.missing === 1) ?? same.find((a) => !fileExists(a.path));
      this.s.clearFailure.run(f.path);
      if (moved) {
        this.s.relocate.run(
          f.path,
          folder?.id ?? null,
          f.filename,
          f.ext,
          f.size,
          f.mtimeMs,
          at,
          moved.id,
        );
        return {
          outcome: moved.missing === 1 && moved.path === f.path ? 'restored' : 'moved',
          assetId: moved.id,
        };
      }
      this.s.insertCopy.run(f.path, same[0]!.id, folder?.id ?? null, f.size, f.mtimeMs, at);
      return { outcome: 'duplicate', assetId: same[0]!.id };
    }

    if (!f.probe) return { outcome: 'needsProbe', assetId: null };
    const id = uuidv7();
    const gen = f.probe.generation;
    this.s.insert.run({
      ...this.rowValues(f, f.probe, at),
      id,
      path: f.path,
      folder_id: folder?.id ?? null,
      filename: f.filename,
      ext: f.ext,
      theme: folder?.default_theme ?? null,
      source: gen?.tool ?? folder?.default_source ?? null,
      provenance: gen ? 'ai_generated' : (folder?.default_provenance ?? 'unknown'),
      created_at: new Date(f.mtimeMs).toISOString(),
      added_at: at,
    });
    if (f.probe.said) indexSaid(this.sqlite, id, f.probe.said);
    this.s.clearFailure.run(f.path);
    return { outcome: 'added', assetId: id };
  }

  private rowValues(f: PreparedFile, p: ProbeData, at: string) {
    const gen = p.generation;
    return {
      ...fileColumns(f, p),
      prompt: gen?.prompt ?? null,
      negative_prompt: gen?.negativePrompt ?? null,
      seed: gen?.seed ?? null,
      model: gen?.model ?? null,
      model_hash: gen?.modelHash ?? null,
      generation_params: gen ? JSON.stringify(gen) : null,
      raw_metadata: p.raw ? JSON.stringify(p.raw) : null,
      updated_at: at,
    };
  }

  /** Whether any asset still shows this thumbnail key. */
  thumbKeyInUse(key: string): boolean {
    return (this.s.thumbKeyUsers.get(key) as { n: number }).n > 0;
  }

  /**
   * A file is gone. Its asset is kept with its curation: a live copy elsewhere takes its place,
   * otherwise the asset is marked missing until the bytes turn up again.
   */
  remove(file: string): { outcome: RemoveOutcome; assetId: string | null } {
    return this.sqlite.transaction(() => {
      this.s.clearFailure.run(file);
      const asset = this.s.assetByPath.get(file) as AssetAtPath | undefined;
      if (asset) {
        if (asset.missing) return { outcome: 'none' as const, assetId: asset.id };
        const at = nowIso();
        for (const c of this.s.liveCopies.all(asset.id) as {
          path: string;
          folder_id: string | null;
          size_bytes: number;
          mtime_ms: number;
        }[]) {
          if (!fileExists(c.path)) continue;
          this.s.deleteCopy.run(c.path);
          this.s.relocate.run(
            c.path,
            c.folder_id,
            path.basename(c.path),
            path.extname(c.path).slice(1).toLowerCase(),
            c.size_bytes,
            c.mtime_ms,
            at,
            asset.id,
          );
          return { outcome: 'moved' as const, assetId: asset.id };
        }
        this.s.markMissing.run(at, asset.id);
        return { outcome: 'missing' as const, assetId: asset.id };
      }
      const removed = this.s.deleteCopy.run(file).changes > 0;
      return { outcome: removed ? ('copy_removed' as const) : ('none' as const), assetId: null };
    })();
  }

  recordFailure(
    file: string,
    err: IngestError,
    stamp: { size: number; mtimeMs: number } | null,
  ): { id: string; attempts: number; firstAt: string; lastAt: string; folderId: string | null } {
    const at = nowIso();
    const folderId = this.folderFor(file)?.id ?? null;
    const row = this.s.upsertFailure.get(
      uuidv7(),
      file,
      folderId,
      err.code,
      err.message,
      stamp?.size ?? null,
      stamp?.mtimeMs ?? null,
      at,
      at,
    ) as {
      id: string;
      attempts: number;
      first_at: string;
    };
    return { id: row.id, attempts: row.attempts, firstAt: row.first_at, lastAt: at, folderId };
  }

  clearFailure(file: string): void {
    this.s.clearFailure.run(file);
  }
}

function fileExists(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return existsSync(file);
  }
}
