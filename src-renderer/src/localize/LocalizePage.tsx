/**
 * Localise: subtitles, translated subtitles, a dub track or a whole localised video, made from a
 * Library video by the creator's own speech and translation engines. The list of localisations,
 * the "New localisation" dialog and the cue editor (the video beside its cues, each one fixable
 * and redone alone).
 *
 * Test hooks (data-testid):
 *   page    localize-page · localize-new · localize-empty · loc-list · loc-row (data-id,
 *           data-status) · loc-row-status · loc-row-progress · loc-row-cues · loc-row-shorter
 *   new     loc-new-dialog · loc-new-video (data-asset-id) · loc-new-search · loc-new-pick
 *           (data-asset-id) · loc-new-from · loc-new-to · loc-new-mode (data-mode) · loc-new-burn
 *           · loc-new-volume · loc-engines · loc-engine (data-engine, data-ok) · loc-new-blocked
 *           · loc-new-error · loc-new-start
 *   editor  loc-editor (data-id, data-status) · loc-back · loc-status · loc-progress · loc-rerun
 *           · loc-rerun-note · loc-cancel · loc-error · loc-video · loc-caption · loc-cues · cue
 *           (data-index, data-current, data-low, data-shorter) · cue-start · cue-end
 *           · cue-nudge (data-edge, data-delta) · cue-text · cue-translation · cue-confidence
 *           · cue-speed · cue-shorter · cue-play · cue-split · cue-merge · loc-outputs
 *           · loc-output (data-kind, data-language) · loc-output-open
 */
import { useEffect } from 'react';
import { EmptyState, PageHeader } from '../components/PageHeader';
import { CueEditor } from './CueEditor';
import { LocalizationList } from './LocalizationList';
import { LocIcon } from './LocIcon';
import { NewLocalizationDialog } from './NewLocalizationDialog';
import { useLocalize, watchLocalize } from './localizeStore';
import './localize.css';

export function LocalizePage() {
  const list = useLocalize((s) => s.list);
  const openId = useLocalize((s) => s.openId);
  const newDialog = useLocalize((s) => s.newDialog);
  useEffect(() => {
    void useLocalize.getState().load();
    void useLocalize.getState().refreshDetail();
    return watchLocalize();
  }, []);
  return (
    <div className={`page loc-page${openId ? ' editing' : ''}`} data-testid="localize-page">
      {openId ? (
        <CueEditor id={openId} />
      ) : (
        <>
          <PageHeader
            title="Localise"
            subtitle="Subtitles, translations and dubbed tracks for your videos, made on this computer."
            actions={
              <button
                type="button"
                className="button primary"
                onClick={() => useLocalize.getState().openNew()}
                data-testid="localize-new"
              >
                <LocIcon name="plus" />
                New localisation
              </button>
            }
          />
          {list === null ? (
            <p className="loc-muted">Loading…</p>
          ) : list.length === 0 ? (
            <div className="loc-empty" data-testid="localize-empty">
              <EmptyState
                icon={<LocIcon name="localize" size={28} />}
                title="Nothing localised yet"
              >
                <p>
                  Choose a video with speech: Atelier transcribes it, translates every line and can
                  speak a dub over it. Each line can be fixed and redone on its own.
                </p>
                <button
                  type="button"
                  className="button primary"
                  onClick={() => useLocalize.getState().openNew()}
                >
                  <LocIcon name="plus" />
                  New localisation
                </button>
              </EmptyState>
            </div>
          ) : (
            <LocalizationList list={list} />
          )}
        </>
      )}
      {newDialog && <NewLocalizationDialog assetId={newDialog.assetId} />}
    </div>
  );
}
