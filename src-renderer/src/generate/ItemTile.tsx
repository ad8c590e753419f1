import { memo, useEffect, useState } from 'react';
import type { JobPreview, OrderItemInfo } from '@contract/index';
import { api } from '../api/client';
import { useJobProgress } from '../stores/jobs';
import { GenIcon } from './GenIcon';
import { openWorkspace } from '../workspace/openWorkspace';
import { openInLibrary } from './openInLibrary';

/** A workspace order's image, as the Workspace has it now. */
export interface StagedView {
  sessionId: string;
  status: 'staged' | 'kept' | 'discarded';
  /** A data: URL, while it is staged. */
  thumb: string | null;
  assetId: string | null;
}

const statusText: Record<OrderItemInfo['status'], string> = {
  pending: 'Waiting',
  generating: 'Generating',
  complete: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** The sampler's latest picture of a running item: asked once, then pushed as jobs.preview. */
function useLivePreview(jobId: string | null, live: boolean): JobPreview | null {
  const [preview, setPreview] = useState<JobPreview | null>(null);
  useEffect(() => {
    if (!jobId || !live) return setPreview(null);
    let alive = true;
    api.call('jobs.preview', { id: jobId }).then(
      (p) => alive && p && setPreview((cur) => cur ?? p),
      () => undefined,
    );
    const off = api.on('jobs.preview', (p) => p.id === jobId && setPreview(p));
    return () => {
      alive = false;
      off();
    };
  }, [jobId, live]);
  return preview;
}

function Warnings({ warnings }: { warnings: string[] }) {
  if (warnings.length === 0) return null;
  const text = warnings.join('\n');
  return (
    <span
      className="gen-tile-warn"
      title={text}
      aria-label={`Warnings: ${warnings.join('; ')}`}
      role="img"
      tabIndex={0}
      data-testid="order-item-warning"
    >
      <GenIcon name="warning" size={12} />
      {warnings.length > 1 && warnings.length}
    </span>
  );
}

function Running({ item }: { item: OrderItemInfo }) {
  const live = useJobProgress((s) => (item.jobId ? s.byId.get(item.jobId) : undefined));
  const preview = useLivePreview(item.jobId, true);
  const progress = Math.max(0, Math.min(1, live?.progress ?? item.progress));
  const msg = live?.message ?? item.progressMessage;
  const pct = Math.round(progress * 100);
  return (
    <>
      {preview ? (
        <img
          className="gen-tile-img"
          src={`data:${preview.mime};base64,${preview.data}`}
          alt={`Live preview of image ${item.seq}`}
          data-testid="order-item-preview"
        />
      ) : (
        <span className="gen-tile-pulse" aria-hidden="true" />
      )}
      <div className="gen-tile-progress">
        <div
          className="gen-bar"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
          aria-label={`Image ${item.seq}`}
        >
          <span style={{ transform: `scaleX(${progress.toFixed(3)})` }} />
        </div>
        <div className="gen-tile-msg" title={msg ?? undefined}>
          {msg ?? `${pct}%`}
        </div>
      </div>
    </>
  );
}

/** One image of an order: its seq while it waits, the live preview while it runs, the result. */
export const ItemTile = memo(function ItemTile({
  item,
  aspect,
  onRetry,
  staged,
}: {
  item: OrderItemInfo;
  aspect: number;
  onRetry?: (itemId: string) => void;
  staged?: StagedView | undefined;
}) {
  const [broken, setBroken] = useState(false);
  const asset = item.assetIds[0] ?? staged?.assetId ?? null;
  const wsId = item.workspaceItemIds[0] ?? null;
  return (
    <li
      className={`gen-tile ${item.status}`}
      style={{ aspectRatio: String(aspect) }}
      data-testid="order-item"
      data-status={item.status}
      data-seq={item.seq}
      data-item-id={item.id}
    >
      {item.status === 'complete' && asset ? (
        <button
          type="button"
          className="gen-tile-open"
          onClick={() => void openInLibrary(asset)}
          aria-label={`Image ${item.seq}, seed ${item.params.seed}: open in the Library`}
          title={`#${item.seq} · seed ${item.params.seed} — open in the Library`}
          data-testid="order-item-open"
        >
          {broken ? (
            <GenIcon name="image" size={22} />
          ) : (
            <img
              className="gen-tile-img"
              src={api.mediaUrl(asset, 'thumb-small')}
              alt=""
              loading="lazy"
              onError={() => setBroken(true)}
            />
          )}
          {item.assetIds.length > 1 && (
            <span className="gen-tile-count">{item.assetIds.length}</span>
          )}
        </button>
      ) : item.status === 'complete' && wsId ? (
        <button
          type="button"
          className={`gen-tile-open ws ${staged?.status ?? 'staged'}`}
          onClick={() => staged && openWorkspace(staged.sessionId, wsId)}
          disabled={!staged}
          aria-label={`Image ${item.seq}, seed ${item.params.seed}: ${staged?.status === 'discarded' ? 'discarded' : 'open in the Workspace'}`}
          title={`#${item.seq} · seed ${item.params.seed} — ${staged?.status === 'discarded' ? 'discarded' : 'in the Workspace'}`}
          data-testid="order-item-open-workspace"
        >
          {staged?.thumb ? (
            <img className="gen-tile-img" src={staged.thumb} alt="" />
          ) : (
            <span className="gen-tile-seq">
              <GenIcon name={staged?.status === 'discarded' ? 'trash' : 'tray'} size={18} />
              <small>{staged?.status === 'discarded' ? 'Discarded' : 'Workspace'}</small>
            </span>
          )}
        </button>
      ) : item.status === 'generating' ? (
        <Running item={item} />
      ) : item.status === 'failed' ? (
        <div className="gen-tile-failed" title={item.error ?? undefined}>
          <span className="gen-tile-status">
            #{item.seq} · {statusText.failed}
          </span>
          <span className="gen-tile-error" data-testid="order-item-error">
            {item.error ?? 'No reason given'}
          </span>
          {onRetry && (
            <button
              type="button"
              className="gen-link-button"
              onClick={() => onRetry(item.id)}
              aria-label={`Retry image ${item.seq}`}
            >
              Retry
            </button>
          )}
        </div>
      ) : (
        <span className="gen-tile-seq" aria-label={`Image ${item.seq}: ${statusText[item.status]}`}>
          #{item.seq}
          <small>{statusText[item.status]}</small>
        </span>
      )}
      <Warnings warnings={item.warnings} />
    </li>
  );
}, sameTile);

/** Every refresh of an order brings new objects: a tile redraws only when what it shows changed. */
function sameTile(
  a: { item: OrderItemInfo; aspect: number; onRetry?: unknown; staged?: StagedView | undefined },
  b: { item: OrderItemInfo; aspect: number; onRetry?: unknown; staged?: StagedView | undefined },
): boolean {
  const x = a.item;
  const y = b.item;
  return (
    a.aspect === b.aspect &&
    a.onRetry === b.onRetry &&
    a.staged?.status === b.staged?.status &&
    a.staged?.thumb === b.staged?.thumb &&
    a.staged?.assetId === b.staged?.assetId &&
    x.workspaceItemIds.join() === y.workspaceItemIds.join() &&
    x.id === y.id &&
    x.status === y.status &&
    x.jobId === y.jobId &&
    x.progress === y.progress &&
    x.progressMessage === y.progressMessage &&
    x.error === y.error &&
    x.assetIds.join() === y.assetIds.join() &&
    x.warnings.join('\n') === y.warnings.join('\n')
  );
}
