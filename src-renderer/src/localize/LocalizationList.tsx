import type { LocalizationInfo } from '@contract/index';
import { api } from '../api/client';
import { toastError } from '../stores/toasts';
import { isActive, languagesOf, modeShort, ProgressBar, StatusChip } from './bits';
import { LocIcon } from './LocIcon';
import { progressOf, useLocalize } from './localizeStore';

function when(iso: string): string {
  const d = new Date(iso);
  return d.toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

function Row({ l }: { l: LocalizationInfo }) {
  const live = useLocalize((s) => (l.jobId ? s.live[l.jobId] : undefined));
  const { progress, message } = progressOf(l, live && l.jobId ? { [l.jobId]: live } : {});
  const open = () => useLocalize.getState().open(l.id);
  return (
    <li
      className="loc-row"
      data-testid="loc-row"
      data-id={l.id}
      data-status={l.status}
      onClick={open}
    >
      <img className="loc-row-thumb" src={api.mediaUrl(l.assetId, 'thumb-small')} alt="" />
      <div className="loc-row-main">
        <button
          type="button"
          className="loc-row-name"
          onClick={(e) => {
            e.stopPropagation();
            open();
          }}
          title={`Open the cues of ${l.filename}`}
        >
          {l.filename || 'A video no longer in the Library'}
        </button>
        <span className="loc-row-meta">
          {modeShort(l)} · {languagesOf(l)}
          {l.burnIn ? ' · burned-in subtitles' : ''} · {when(l.createdAt)}
        </span>
        {l.status === 'failed' && l.error && (
          <span className="loc-row-error" title={l.error}>
            {l.error}
          </span>
        )}
      </div>
      <div className="loc-row-progress" data-testid="loc-row-progress">
        <ProgressBar value={progress} label={`Progress of ${l.filename}`} />
        <span className="loc-muted">
          {l.status === 'completed'
            ? 'Complete'
            : isActive(l)
              ? (message ?? `${Math.round(progress * 100)}%`)
              : `${Math.round(progress * 100)}%`}
        </span>
      </div>
      <div className="loc-row-counts">
        <span data-testid="loc-row-cues">
          {l.cueCount} {l.cueCount === 1 ? 'cue' : 'cues'}
        </span>
        {l.needsShorter > 0 && (
          <span className="loc-shorter" data-testid="loc-row-shorter">
            <LocIcon name="warning" size={13} />
            {l.needsShorter} need a shorter line
          </span>
        )}
      </div>
      <div className="loc-row-end">
        <StatusChip status={l.status} testId="loc-row-status" />
        {isActive(l) && (
          <button
            type="button"
            className="icon-button"
            title="Stop this localisation"
            aria-label={`Stop localising ${l.filename}`}
            onClick={(e) => {
              e.stopPropagation();
              api
                .call('localize.cancel', { id: l.id })
                .then((i) => useLocalize.getState().putInfo(i))
                .catch((err) => toastError('Could not stop it', err));
            }}
          >
            <LocIcon name="stop" size={14} />
          </button>
        )}
      </div>
    </li>
  );
}

export function LocalizationList({ list }: { list: LocalizationInfo[] }) {
  return (
    <ul className="loc-list" data-testid="loc-list" aria-label="Localisations">
      {list.map((l) => (
        <Row key={l.id} l={l} />
      ))}
    </ul>
  );
}
