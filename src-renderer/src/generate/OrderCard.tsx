import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { OrderDetail, OrderItemInfo, OrderSummary } from '@contract/index';
import { useMayChangeJob } from '../accounts/session';
import { api } from '../api/client';
import { TagChips } from '../components/TagChips';
import { shortName } from '../models/labels';
import { openWorkspace } from '../workspace/openWorkspace';
import { GenIcon } from './GenIcon';
import { ItemTile, type StagedView } from './ItemTile';
import { isOpen, useOrders } from './ordersStore';
import { reuseOrder } from './remix';
import { SaveTemplateDialog } from './SaveTemplateDialog';

const FIRST = 48;
const MORE = 96;

export const orderStatusLabel: Record<OrderSummary['status'], string> = {
  pending: 'Waiting',
  processing: 'Generating',
  fulfilled: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

const engineLabel: Record<OrderSummary['engine'], string> = {
  sdcpp: 'sd-cli',
  sdserver: 'sd-server',
  comfyui: 'ComfyUI',
};

const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
function when(iso: string): string {
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString() ? time.format(d) : dateTime.format(d);
}

type Filter = 'all' | 'running' | 'failed';

/** "12 of 40 · 1 failed · 2 cancelled" */
export function countsText(o: OrderSummary): string {
  return [
    `${o.completeCount.toLocaleString()} of ${o.itemCount.toLocaleString()}`,
    o.failedCount ? `${o.failedCount.toLocaleString()} failed` : null,
    o.cancelledCount ? `${o.cancelledCount.toLocaleString()} cancelled` : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Cancelled images are not failures: the button says which ones run again. */
function retryLabel(o: OrderSummary): string {
  if (o.failedCount && o.cancelledCount) return 'Retry failed and cancelled';
  return o.failedCount ? 'Retry failed' : 'Retry cancelled';
}

/**
 * A workspace order's staged images (their thumbnails, kept or discarded), by workspace image id,
 * kept current as the session changes.
 */
function useStaged(sessionId: string | null, complete: number): Map<string, StagedView> | null {
  const [map, setMap] = useState<Map<string, StagedView> | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!sessionId) return;
    return api.on('workspace.changed', (e) => e.sessionId === sessionId && setTick((t) => t + 1));
  }, [sessionId]);
  useEffect(() => {
    if (!sessionId) return;
    let live = true;
    const t = setTimeout(() => {
      api.call('workspace.items', { sessionId, status: 'all', limit: 500 }).then(
        (items) =>
          live &&
          setMap(
            new Map(
              items.map((i) => [
                i.id,
                { sessionId, status: i.status, thumb: i.thumb, assetId: i.assetId },
              ]),
            ),
          ),
        () => undefined,
      );
    }, 400);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [sessionId, complete, tick]);
  return map;
}

/** The items, at most a few hundred drawn at once: a 10,000-image order grows by "Show more". */
function ItemGrid({ order, detail }: { order: OrderSummary; detail: OrderDetail | undefined }) {
  const staged = useStaged(
    order.destination === 'workspace' ? order.workspaceSessionId : null,
    order.completeCount,
  );
  const [filter, setFilter] = useState<Filter>('all');
  const [limit, setLimit] = useState(FIRST);
  const mayChange = useMayChangeJob()(order.createdBy);
  const items = detail?.items;
  const retry = useCallback(
    (itemId: string) => void useOrders.getState().retry(order.id, [itemId]),
    [order.id],
  );
  const retryOne = mayChange ? retry : undefined;
  const groups = useMemo(() => {
    const all = items ?? [];
    return {
      all,
      running: all.filter((i) => i.status === 'generating'),
      failed: all.filter((i) => i.status === 'failed' || i.status === 'cancelled'),
    };
  }, [items]);
  if (!items) return <p className="gen-hint gen-order-loading">Loading its images…</p>;
  const shown: OrderItemInfo[] = groups[filter];
  const aspect = Math.min(2, Math.max(0.5, order.params.width / order.params.height || 1));

  const tabs: { id: Filter; label: string; n: number }[] = [
    { id: 'all', label: 'All', n: groups.all.length },
    { id: 'running', label: 'Generating', n: groups.running.length },
    { id: 'failed', label: 'Failed', n: groups.failed.length },
  ];
  return (
    <>
      {items.length > FIRST && (
        <div className="gen-order-tabs" role="group" aria-label="Show">
          {tabs.map((t) => (
            <button
              key={t.id}
              type="button"
              className={`gen-tab${filter === t.id ? ' on' : ''}`}
              aria-pressed={filter === t.id}
              disabled={t.n === 0 && t.id !== 'all'}
              onClick={() => {
                setFilter(t.id);
                setLimit(FIRST);
              }}
            >
              {t.label} <span className="muted">{t.n.toLocaleString()}</span>
            </button>
          ))}
        </div>
      )}
      <ul className="gen-tiles" aria-label={`Images of ${order.title}`}>
        {shown.slice(0, limit).map((it) => (
          <ItemTile
            key={it.id}
            item={it}
            aspect={aspect}
            onRetry={retryOne}
            staged={
              it.workspaceItemIds[0] && staged ? staged.get(it.workspaceItemIds[0]) : undefined
            }
          />
        ))}
      </ul>
      {shown.length > limit && (
        <button
          type="button"
          className="button ghost gen-show-more"
          onClick={() => setLimit(limit + MORE)}
          data-testid="order-show-more"
        >
          Show {Math.min(MORE, shown.length - limit).toLocaleString()} more (
          {(shown.length - limit).toLocaleString()} not shown)
        </button>
      )}
    </>
  );
}

export function OrderCard({ order }: { order: OrderSummary }) {
  const open = useOrders((s) => isOpen(s, order));
  const detail = useOrders((s) => s.details[order.id]);
  const busy = useOrders((s) => s.busy[order.id]);
  const actionError = useOrders((s) => s.actionErrors[order.id]);
  const mayChange = useMayChangeJob()(order.createdBy);
  const live = order.status === 'pending' || order.status === 'processing';
  const redo = order.failedCount + order.cancelledCount;
  const done = order.completeCount + order.failedCount + order.cancelledCount;
  const bodyId = `order-body-${order.id}`;
  const p = order.params;
  const [saving, setSaving] = useState(false);
  const toWorkspace = order.destination === 'workspace' && order.workspaceSessionId;
  const focused = useOrders((s) => s.focusId === order.id);
  const box = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!focused) return;
    // Opened from elsewhere: brought into view, and again as the open cards above it fill in.
    const show = () => box.current?.scrollIntoView({ block: 'start' });
    show();
    const timers = [setTimeout(show, 350), setTimeout(show, 900)];
    const done = setTimeout(() => useOrders.getState().clearFocus(), 2600);
    return () => [...timers, done].forEach(clearTimeout);
  }, [focused]);
  return (
    <section
      ref={box}
      className={`gen-order ${order.status}${focused ? ' focused' : ''}`}
      aria-labelledby={`order-title-${order.id}`}
      data-testid="order-card"
      data-order-id={order.id}
      data-status={order.status}
    >
      <header className="gen-order-head">
        <button
          type="button"
          className="gen-order-toggle"
          aria-expanded={open}
          aria-controls={bodyId}
          onClick={() => useOrders.getState().setExpanded(order.id, !open)}
        >
          <GenIcon name={open ? 'chevronDown' : 'chevronRight'} size={14} />
          <span id={`order-title-${order.id}`} className="gen-order-title" title={order.title}>
            {order.title}
          </span>
        </button>
        <span className={`gen-status ${order.status}`} data-testid="order-status">
          {orderStatusLabel[order.status]}
        </span>
        <div className="gen-order-actions">
          {mayChange && live && (
            <button
              type="button"
              className="button small"
              onClick={() => void useOrders.getState().cancel(order.id)}
              disabled={!!busy}
              data-testid="order-cancel"
            >
              {busy === 'cancel' ? 'Cancelling…' : 'Cancel'}
            </button>
          )}
          {mayChange && redo > 0 && (
            <button
              type="button"
              className="button small"
              onClick={() => void useOrders.getState().retry(order.id)}
              disabled={!!busy}
              data-testid="order-retry"
            >
              {busy === 'retry' ? 'Retrying…' : `${retryLabel(order)} (${redo.toLocaleString()})`}
            </button>
          )}
          <button
            type="button"
            className="icon-button"
            onClick={() => setSaving(true)}
            aria-label="Save as template…"
            title="Save as template…"
            data-testid="order-save-template"
          >
            <GenIcon name="bookmark" size={15} />
          </button>
          <button
            type="button"
            className="icon-button"
            onClick={() => reuseOrder(order)}
            aria-label={`Put the settings of ${order.title} in the form`}
            title="Use these settings in the form"
            data-testid="order-reuse"
          >
            <GenIcon name="remix" size={15} />
          </button>
        </div>
      </header>
      <div className="gen-order-meta">
        <span data-testid="order-counts">{countsText(order)}</span>
        <span aria-hidden="true">·</span>
        <span>{order.model ? shortName(order.model.name) : 'no model'}</span>
        <span aria-hidden="true">·</span>
        <span>
          {p.width}×{p.height}
        </span>
        <span aria-hidden="true">·</span>
        <span>{engineLabel[order.engine]}</span>
        <span aria-hidden="true">·</span>
        <span>{when(order.createdAt)}</span>
        {toWorkspace && (
          <>
            <span aria-hidden="true">·</span>
            <button
              type="button"
              className="gen-link-button gen-order-ws"
              onClick={() => openWorkspace(order.workspaceSessionId!)}
              title="Its images wait in the Workspace to be kept or discarded"
              data-testid="order-open-workspace"
            >
              <GenIcon name="tray" size={13} />
              In the Workspace
            </button>
          </>
        )}
      </div>
      {(open || order.tags.length > 0) && (
        <div className="gen-order-tags">
          <GenIcon name="tag" size={13} />
          <TagChips
            kind="order"
            id={order.id}
            tags={order.tags}
            compact
            disabled={!open}
            label={`Tags of ${order.title}`}
            placeholder="Add a tag…"
            onSaved={(tags) => useOrders.getState().setTags(order.id, tags)}
            testId="order-tags"
          />
        </div>
      )}
      {order.warnings.length > 0 && (
        <details className="gen-order-warnings" data-testid="order-warnings">
          <summary>
            <GenIcon name="warning" size={13} /> {order.warnings.length}{' '}
            {order.warnings.length === 1 ? 'warning' : 'warnings'} from the prompt’s expansion
          </summary>
          <ul>
            {order.warnings.slice(0, 20).map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </details>
      )}
      <div
        className="gen-bar gen-order-bar"
        role="progressbar"
        aria-label={`${order.title}: progress`}
        aria-valuemin={0}
        aria-valuemax={order.itemCount}
        aria-valuenow={done}
      >
        <span
          style={{
            transform: `scaleX(${order.itemCount ? (done / order.itemCount).toFixed(3) : 0})`,
          }}
        />
      </div>
      {actionError && (
        <p className="gen-field-error" role="alert">
          {actionError}
        </p>
      )}
      {open && (
        <div id={bodyId} className="gen-order-body">
          <ItemGrid order={order} detail={detail} />
        </div>
      )}
      {saving && <SaveTemplateDialog order={order} onClose={() => setSaving(false)} />}
    </section>
  );
}
