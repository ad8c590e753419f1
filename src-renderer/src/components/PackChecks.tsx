import type { PackIssue } from '@contract/index';
import { usePacks } from '../stores/packs';
import { useNav } from '../stores/navigation';

/** Opens Settings and puts the cursor in the field a check asks for (the seller profile's). */
export function openSettingsField(field: 'owner' | 'support'): void {
  useNav.getState().go('settings');
  let tries = 0;
  const focus = () => {
    const el = document.getElementById(field);
    if (el instanceof HTMLInputElement) {
      el.scrollIntoView({ block: 'center' });
      el.focus();
      return;
    }
    if (++tries < 40) setTimeout(focus, 50);
  };
  setTimeout(focus, 0);
}

/** Opens the pack's licence editor (PacksPage listens). */
export function openLicenseEditor(): void {
  window.dispatchEvent(new CustomEvent('atelier:edit-license'));
}

function FixButton({ issue }: { issue: PackIssue }) {
  const { approve, removeAssets } = usePacks.getState();
  const fix = issue.fix;
  if (!fix || issue.accepted) return null;
  const run = () => {
    switch (fix.kind) {
      case 'approve':
        return void approve(fix.assetIds);
      case 'remove':
        return void removeAssets(fix.assetIds);
      case 'settings':
        return openSettingsField(fix.field);
      case 'license':
        return openLicenseEditor();
    }
  };
  return (
    <button className="button primary pack-fix" data-fix={fix.kind} onClick={run}>
      {fix.label}
    </button>
  );
}

/**
 * What a buyer would trip over, each with its fix beside it and a way to accept a warning once
 * it has been considered. The report refreshes by itself when what it reads changes (the packs
 * store listens to curation, library, settings and model events).
 */
export function PackChecks() {
  const report = usePacks((s) => s.report);
  const checking = usePacks((s) => s.checking);
  const { check, accept } = usePacks.getState();
  const open = report?.issues.filter((i) => !i.accepted) ?? [];
  return (
    <section className="card" aria-label="Checks">
      <div className="card-header">
        <h2>
          Checks{' '}
          {report && (
            <span className="muted" style={{ fontWeight: 400 }} data-testid="checks-summary">
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
              <span className="pack-export-row pack-issue-actions">
                <FixButton issue={i} />
                <button className="button ghost" onClick={() => void accept(i.key, !i.accepted)}>
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
