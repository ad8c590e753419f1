import { useState } from 'react';
import { api } from '../api/client';
import { Dialog } from '../generate/Dialog';
import { useLookups } from './lookupsStore';

type ImportResult = {
  imported: string[];
  skipped: string[];
  problems: { file: string; problem: string }[];
};

const SHOWN = 40;

function Names({ names }: { names: string[] }) {
  return (
    <span className="lk-names">
      {names.slice(0, SHOWN).map((n) => (
        <code key={n}>[{n}]</code>
      ))}
      {names.length > SHOWN && <span className="muted">and {names.length - SHOWN} more</span>}
    </span>
  );
}

/** "Import wildcard folder…": one NAME.txt per lookup (A1111 / ComfyUI __name__ files). */
export function ImportDialog({ onClose }: { onClose: () => void }) {
  const [dir, setDir] = useState('');
  const [replace, setReplace] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const run = async () => {
    if (!dir.trim()) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await api.call('lookups.import', { dir: dir.trim(), replace }));
      void useLookups.getState().load();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title="Import a wildcard folder"
      onClose={onClose}
      busy={busy}
      width={520}
      testId="lookups-import-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            {result ? 'Done' : 'Cancel'}
          </button>
          <button
            type="button"
            className="button primary"
            onClick={() => void run()}
            disabled={busy || !dir.trim()}
            data-testid="lookups-import-run"
          >
            {busy ? 'Importing…' : result ? 'Import again' : 'Import'}
          </button>
        </>
      }
    >
      <p className="dlg-hint">
        Each <code>NAME.txt</code> in the folder becomes the lookup <code>[NAME]</code>, one value a
        line (lines starting with # are skipped); in a subfolder it is <code>[FOLDER_NAME]</code>.
        Their category is the folder’s name.
      </p>
      <div className="dlg-field">
        <label htmlFor="lookups-import-dir">Folder</label>
        <input
          id="lookups-import-dir"
          value={dir}
          placeholder="/home/me/stable-diffusion-webui/extensions/wildcards"
          onChange={(e) => setDir(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void run();
            }
          }}
          spellCheck={false}
          data-testid="lookups-import-dir"
        />
      </div>
      <label className="lk-check">
        <input
          type="checkbox"
          checked={replace}
          onChange={(e) => setReplace(e.target.checked)}
          data-testid="lookups-import-replace"
        />
        Replace lookups that exist already (otherwise they are skipped)
      </label>
      {error && (
        <p className="dlg-error" role="alert" data-testid="lookups-import-error">
          {error}
        </p>
      )}
      {result && (
        <div className="lk-import-result" data-testid="lookups-import-result" role="status">
          <p>
            <strong>
              Imported {result.imported.length.toLocaleString()}, skipped{' '}
              {result.skipped.length.toLocaleString()}
              {result.problems.length
                ? `, ${result.problems.length.toLocaleString()} with problems`
                : ''}
              .
            </strong>
          </p>
          {result.imported.length > 0 && (
            <div>
              <span className="lk-result-label">Imported</span>
              <Names names={result.imported} />
            </div>
          )}
          {result.skipped.length > 0 && (
            <div>
              <span className="lk-result-label">Skipped (exist already)</span>
              <Names names={result.skipped} />
            </div>
          )}
          {result.problems.length > 0 && (
            <div>
              <span className="lk-result-label">Problems</span>
              <ul className="lk-problems">
                {result.problems.slice(0, SHOWN).map((p) => (
                  <li key={p.file}>
                    <code>{p.file}</code>: {p.problem}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
      )}
    </Dialog>
  );
}
