import { useEffect, useState } from 'react';
import type { PackSummary } from '@contract/index';
import { api } from '../api/client';
import { toastError, useToasts } from '../stores/toasts';

/**
 * Batch rename: one pattern names every file in the ZIP. {pack} the slug, {n} the position
 * ({n:03} zero-padded), {title}, {orig} the file's own name, {ext} its extension.
 */
export function PackRename({ pack, onClose }: { pack: PackSummary; onClose: () => void }) {
  const [pattern, setPattern] = useState(pack.namePattern ?? '{pack}-{n:03}');
  const [preview, setPreview] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      api
        .call('packs.renameAll', { packId: pack.id, pattern, dryRun: true })
        .then((r) => {
          if (!live) return;
          setPreview(r.names.map((n) => n.name));
          setProblem(null);
        })
        .catch((err: Error) => live && (setProblem(err.message), setPreview([])));
    }, 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [pack.id, pattern]);
  const apply = async () => {
    try {
      const r = await api.call('packs.renameAll', { packId: pack.id, pattern, dryRun: false });
      useToasts.getState().push({ kind: 'success', title: `Renamed ${r.renamed} files` });
      onClose();
    } catch (err) {
      toastError('Could not rename', err);
    }
  };
  return (
    <div className="pack-rename" role="group" aria-label="Rename all">
      <div className="pack-export-row">
        <input
          className="grow mono"
          aria-label="Name pattern"
          value={pattern}
          onChange={(e) => setPattern(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && !problem && void apply()}
        />
        <button className="button primary" disabled={!!problem} onClick={() => void apply()}>
          Rename {preview.length} files
        </button>
        <button className="button ghost" onClick={onClose}>
          Cancel
        </button>
      </div>
      <p className="muted pack-note">
        <code>{'{pack}'}</code> slug · <code>{'{n:03}'}</code> 001, 002… · <code>{'{title}'}</code>{' '}
        · <code>{'{orig}'}</code> original name · <code>{'{ext}'}</code> extension (kept anyway)
      </p>
      {problem ? (
        <p className="pack-export-reason">{problem}</p>
      ) : (
        <p className="muted mono pack-note" data-testid="rename-preview">
          {preview.slice(0, 3).join(', ')}
          {preview.length > 3 ? ` … ${preview[preview.length - 1]}` : ''}
        </p>
      )}
    </div>
  );
}
