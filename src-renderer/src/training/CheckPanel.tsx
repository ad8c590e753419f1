import type { DatasetProblem } from '@contract/index';
import { AssetImg } from './AssetImg';
import { plural } from './format';
import { TrainIcon } from './TrainIcon';
import { useTraining } from './trainingStore';

function fixLabel(p: DatasetProblem): string | null {
  if (p.fix === 'bucketing') return 'Turn bucketing on';
  if (p.fix !== 'exclude' || !p.assetIds.length) return null;
  return p.assetIds.length === 1 ? 'Leave it out' : `Leave these ${p.assetIds.length} out`;
}

const THUMBS = 6;

/** The image's card in the grid, brought into view and lit for a moment. */
function reveal(assetId: string) {
  const el = document.querySelector<HTMLElement>(`.trn-cap[data-asset-id="${assetId}"]`);
  el?.scrollIntoView({ block: 'center', behavior: 'smooth' });
}

/**
 * One problem: its words, the images it names (lit in the grid while pointed at, shown small
 * here; one clicked is brought into view), its one-click fix.
 */
export function ProblemRow({ p, fixes = true }: { p: DatasetProblem; fixes?: boolean }) {
  const s = useTraining.getState;
  const label = fixes ? fixLabel(p) : null;
  const fix = () => void s().fix(p);
  return (
    <li
      className={`trn-problem ${p.severity}`}
      data-testid="check-problem"
      data-code={p.code}
      data-severity={p.severity}
      onMouseEnter={() => s().setHighlight(p.assetIds)}
      onMouseLeave={() => s().setHighlight([])}
      onFocus={() => s().setHighlight(p.assetIds)}
      onBlur={() => s().setHighlight([])}
      tabIndex={p.assetIds.length ? 0 : undefined}
    >
      <span className="trn-problem-icon" aria-hidden="true">
        <TrainIcon name={p.severity === 'error' ? 'error' : 'warning'} size={15} />
      </span>
      <div className="trn-problem-body">
        <span className="visually-hidden">{p.severity === 'error' ? 'Error: ' : 'Warning: '}</span>
        {p.message}
        {((fixes && p.assetIds.length > 0) || label) && (
          <div className="trn-problem-foot">
            {fixes &&
              p.assetIds.slice(0, THUMBS).map((id) => (
                <button
                  key={id}
                  type="button"
                  className="trn-problem-thumb"
                  onClick={() => reveal(id)}
                  aria-label="Show it in the grid"
                  title="Show it in the grid"
                >
                  <AssetImg id={id} variant="thumb-small" />
                </button>
              ))}
            {fixes && p.assetIds.length > THUMBS && (
              <span className="trn-problem-more">+{p.assetIds.length - THUMBS}</span>
            )}
            {label && (
              <button
                type="button"
                className="button small trn-problem-fix"
                onClick={fix}
                data-testid="check-fix"
              >
                {label}
              </button>
            )}
          </div>
        )}
      </div>
    </li>
  );
}

/** The dataset's check: ready or not, and each problem with the assets it names. */
export function CheckPanel() {
  const check = useTraining((s) => s.check);
  const checking = useTraining((s) => s.checking);
  const error = useTraining((s) => s.checkError);
  const errors = check?.problems.filter((p) => p.severity === 'error').length ?? 0;
  const warnings = (check?.problems.length ?? 0) - errors;
  return (
    <section className="trn-side-card" aria-labelledby="trn-check-title" data-testid="check-panel">
      <header className="trn-side-head">
        <h3 id="trn-check-title">Check</h3>
        <button
          type="button"
          className="button ghost small"
          onClick={() => void useTraining.getState().runCheck()}
          disabled={checking}
          data-testid="check-run"
        >
          <TrainIcon name="refresh" size={13} /> {checking ? 'Checking…' : 'Check again'}
        </button>
      </header>
      {error && <p className="trn-bad-text">The check failed: {error}</p>}
      {!check && !error && <p className="muted">Checking every image…</p>}
      {check && (
        <>
          <p
            className={`trn-check-summary ${check.ok ? (warnings ? 'warn' : 'ok') : 'bad'}`}
            data-testid="check-summary"
          >
            <TrainIcon name={check.ok ? (warnings ? 'warning' : 'check') : 'error'} size={15} />
            {check.ok
              ? warnings
                ? `Ready to train ${plural(check.imageCount, 'image')}, with ${plural(warnings, 'warning')}.`
                : `Ready to train: ${plural(check.imageCount, 'image')}, nothing to fix.`
              : `Not ready: ${plural(errors, 'problem')} to fix before a run.`}
          </p>
          {check.problems.length > 0 && (
            <ul className="trn-problems" aria-label="Problems">
              {check.problems.map((p, i) => (
                <ProblemRow key={`${p.code}-${i}`} p={p} />
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
