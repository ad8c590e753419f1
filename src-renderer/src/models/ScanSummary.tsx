import type { ModelScanSummary } from '@contract/index';
import { GenIcon } from '../generate/GenIcon';
import { useModels } from './modelsStore';

const SHOWN = 50;

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() || p;
}

/** What the last scan found: files, models added and changed, and why some files are not models. */
export function ScanSummary({ scan }: { scan: ModelScanSummary }) {
  const seconds =
    scan.durationMs < 100
      ? '< 0.1'
      : (scan.durationMs / 1000).toFixed(scan.durationMs < 10_000 ? 1 : 0);
  const problems = scan.problems.length + scan.serverProblems.length;
  return (
    <section
      className="card mdl-scan"
      aria-labelledby="mdl-scan-title"
      data-testid="models-scan-summary"
    >
      <div className="mdl-scan-head">
        <h2 id="mdl-scan-title">
          <GenIcon name={problems ? 'warning' : 'refresh'} size={16} /> Scan finished
        </h2>
        <button
          type="button"
          className="icon-button"
          aria-label="Dismiss the scan summary"
          onClick={() => useModels.getState().dismissScan()}
        >
          <GenIcon name="x" size={14} />
        </button>
      </div>
      <p className="mdl-scan-line" role="status">
        {scan.files.toLocaleString()} {scan.files === 1 ? 'file' : 'files'} ·{' '}
        {scan.models.toLocaleString()} {scan.models === 1 ? 'model' : 'models'} · {scan.added} added
        ·{' '}
        <span title="Known files whose size or date changed since the last scan, read again">
          {scan.changed.toLocaleString()} changed
        </span>{' '}
        · {seconds} s
        {problems > 0 && (
          <>
            {' '}
            · <span className="mdl-bad">{problems} not usable</span>
          </>
        )}
      </p>
      {problems > 0 && (
        <ul className="mdl-problems" data-testid="models-scan-problems">
          {scan.problems.slice(0, SHOWN).map((p) => (
            <li key={p.path} title={p.path}>
              <span className="mdl-mono">{baseName(p.path)}</span>: {p.problem}
            </li>
          ))}
          {scan.serverProblems.map((p) => (
            <li key={p.endpointId}>
              <span className="mdl-mono">Server {p.endpointId}</span>: {p.problem}
            </li>
          ))}
          {scan.problems.length > SHOWN && (
            <li className="muted">and {(scan.problems.length - SHOWN).toLocaleString()} more</li>
          )}
        </ul>
      )}
    </section>
  );
}
