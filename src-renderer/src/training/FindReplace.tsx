import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { toastInfo } from '../stores/toasts';
import { plural } from './format';
import { TrainIcon } from './TrainIcon';
import { useTraining } from './trainingStore';

/** Find and replace across every caption of the dataset, with how many would change first. */
export function FindReplace({ datasetId, version }: { datasetId: string; version: string }) {
  const f = useTraining((s) => s.find);
  const setFind = useTraining((s) => s.setFind);
  const [preview, setPreview] = useState<{ changed: number; captions: number } | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setPreview(null);
    if (!f.find) return;
    let live = true;
    const t = setTimeout(() => {
      api
        .call('datasets.replaceInCaptions', { id: datasetId, ...f, dryRun: true })
        .then((r) => live && setPreview(r))
        .catch(() => live && setPreview(null));
    }, 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [datasetId, f, version]);
  const run = async () => {
    setBusy(true);
    const n = await useTraining.getState().replaceAll();
    setBusy(false);
    if (n !== null) toastInfo(`Replaced in ${plural(n, 'caption')}`);
  };
  return (
    <form
      className="trn-find"
      role="search"
      aria-label="Find and replace in captions"
      onSubmit={(e) => {
        e.preventDefault();
        if (preview?.changed) void run();
      }}
      data-testid="find-replace"
    >
      <div className="trn-find-fields">
        <label className="trn-find-field">
          <TrainIcon name="search" size={14} />
          <input
            id="trn-find"
            type="search"
            placeholder="Find in captions"
            aria-label="Find in captions"
            value={f.find}
            onChange={(e) => setFind({ find: e.target.value })}
            data-testid="find-input"
          />
        </label>
        <label className="trn-find-field">
          <TrainIcon name="replace" size={14} />
          <input
            id="trn-replace"
            type="text"
            placeholder="Replace with"
            aria-label="Replace with"
            value={f.replace}
            onChange={(e) => setFind({ replace: e.target.value })}
            data-testid="replace-input"
          />
        </label>
      </div>
      <div className="trn-find-opts">
        <label className="trn-check">
          <input
            type="checkbox"
            checked={f.wholeTag}
            onChange={(e) => setFind({ wholeTag: e.target.checked })}
            data-testid="find-whole-tag"
          />
          Whole tag
        </label>
        <label className="trn-check">
          <input
            type="checkbox"
            checked={f.caseSensitive}
            onChange={(e) => setFind({ caseSensitive: e.target.checked })}
          />
          Match case
        </label>
        <span className="trn-find-count" aria-live="polite" data-testid="find-preview">
          {f.find && preview
            ? preview.changed
              ? `${plural(preview.changed, 'caption')} of ${preview.captions.toLocaleString()} will change`
              : 'No caption would change'
            : ''}
        </span>
        <span className="grow" />
        {f.find && (
          <button
            type="button"
            className="button ghost small"
            onClick={() => setFind({ find: '', replace: '' })}
          >
            Clear
          </button>
        )}
        <button
          type="submit"
          className="button small"
          disabled={!preview?.changed || busy}
          data-testid="replace-all"
        >
          {busy ? 'Replacing…' : 'Replace all'}
        </button>
      </div>
    </form>
  );
}
