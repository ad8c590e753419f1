import { usePacks } from '../stores/packs';
import { useNav } from '../stores/navigation';

/** What a buyer would trip over, with a way to accept each warning once it has been considered. */
export function PackChecks() {
  const report = usePacks((s) => s.report);
  const checking = usePacks((s) => s.checking);
  const { check, accept, removeAssets } = usePacks.getState();
  const open = report?.issues.filter((i) => !i.accepted) ?? [];
  return (
    <section className="card">
      <div className="card-header">
        <h2>
          Checks{' '}
          {report && (
            <span className="muted" style={{ fontWeight: 400 }}>
              {open.length === 0
                ? 'all clear'
                : `${report.blocking} blocking · ${open.length - report.blocking} to review`}
            </span>
          )}
        </h2>
        <button className="button ghost" onClick={() => void check()} disabled={checking}>
          {checking ? 'Checking…' : 'Check again'}
        </button>
      </div>
      {!report && <p className="muted">Checking…</p>}
      {report && report.issues.length === 0 && (
        <p className="muted">
          No problems found: files present and intact, names safe, license filled in.
        </p>
      )}
      {report && report.issues.length > 0 && (
        <ul className="pack-issues" aria-label="Check results">
          {report.issues.map((i) => (
            <li
              key={i.key}
              className={`pack-issue${i.accepted ? ' accepted' : ''}`}
              data-code={i.code}
            >
              <span className={`sev ${i.severity}`} aria-label={i.severity} />
              <span>{i.message}</span>
              <span className="pack-export-row">
                {i.code === 'placeholder' && i.key === 'placeholder:license' && (
                  <button className="button ghost" onClick={() => useNav.getState().go('settings')}>
                    Open Settings
                  </button>
                )}
                {i.assetIds.length > 0 &&
                  [
                    'rejected',
                    'duplicate_exact',
                    'corrupt_media',
                    'noncommercial_model',
                    'missing_file',
                  ].includes(i.code) &&
                  !i.accepted && (
                    <button
                      className="button ghost"
                      onClick={() =>
                        void removeAssets(
                          i.code === 'duplicate_exact' ? i.assetIds.slice(1) : i.assetIds,
                        ).then(() => check())
                      }
                    >
                      {i.code === 'duplicate_exact' ? 'Remove copies' : 'Remove'}
                    </button>
                  )}
                <button className="button" onClick={() => void accept(i.key, !i.accepted)}>
                  {i.accepted ? 'Undo accept' : 'Accept'}
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
