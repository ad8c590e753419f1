/**
 * The Workspace: what orders sent to it made, waiting to be kept (each becomes a Library asset
 * with its prompt, seed, model and links) or discarded (its file is deleted). Unkept images
 * expire after the days Settings say.
 *
 * Test hooks (data-testid):
 *   workspace-page · ws-empty · ws-sessions · ws-session (data-session-id, aria-pressed)
 *   ws-session-counts · ws-status-tab (data-status) · ws-selection · ws-select-all
 *   ws-keep-selected · ws-discard-selected · ws-grid · ws-item (data-item-id, data-status,
 *   aria-selected, data-focused) · ws-item-thumb · ws-item-expires · ws-item-init · ws-item-remix
 *   ws-detail · ws-detail-prompt · ws-detail-keep · ws-detail-discard · ws-detail-init
 *   ws-detail-remix · ws-detail-open · ws-session-empty
 *   dialogs: ws-keep-dialog (ws-keep-tags, ws-keep-collection, ws-keep-confirm)
 *            ws-discard-dialog (ws-discard-confirm) · ws-init-dialog (ws-init-keep)
 * Keys on the grid: arrows move (Shift extends the selection), Space/Enter select, K keeps, X
 * discards (the selection, or the focused image), Ctrl/⌘+A selects all, Esc clears.
 */
import { useEffect, useRef, useState } from 'react';
import type { WorkspaceItemInfo, WorkspaceSessionInfo } from '@contract/index';
import { api } from '../api/client';
import { EmptyState, PageHeader } from '../components/PageHeader';
import { GenIcon } from '../generate/GenIcon';
import { openInLibrary } from '../generate/openInLibrary';
import { initFromWorkspaceItem, remixWorkspaceItem } from '../generate/remix';
import { shortName } from '../models/labels';
import { useNav } from '../stores/navigation';
import { useSettings } from '../stores/settings';
import { DiscardDialog, KeepDialog, KeepToUseDialog } from './WorkspaceDialogs';
import { expiresText, useWorkspace, watchWorkspace, type ItemStatus } from './workspaceStore';
import './workspace.css';
import { isTyping as typing } from '../lib/typing';

type DialogState =
  | { kind: 'keep'; ids: string[] }
  | { kind: 'discard'; ids: string[] }
  | { kind: 'init'; item: WorkspaceItemInfo }
  | null;

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
function when(iso: string): string {
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString() ? time.format(d) : dateTime.format(d);
}

function Sessions({ sessions }: { sessions: WorkspaceSessionInfo[] }) {
  const current = useWorkspace((s) => s.sessionId);
  return (
    <div className="ws-sessions" role="group" aria-label="Sessions" data-testid="ws-sessions">
      {sessions.map((s) => (
        <button
          key={s.id}
          type="button"
          className={`ws-session${s.id === current ? ' on' : ''}`}
          aria-pressed={s.id === current}
          onClick={() => useWorkspace.getState().selectSession(s.id)}
          title={s.title}
          data-testid="ws-session"
          data-session-id={s.id}
        >
          <span className="ws-session-title">{s.title}</span>
          <span className="ws-session-counts" data-testid="ws-session-counts">
            <span className={s.staged ? 'ws-staged-count' : undefined}>
              {s.staged.toLocaleString()} waiting
            </span>
            {s.kept > 0 && <span> · {s.kept.toLocaleString()} kept</span>}
            {s.discarded > 0 && <span> · {s.discarded.toLocaleString()} discarded</span>}
          </span>
          <span className="ws-session-date">{when(s.createdAt)}</span>
        </button>
      ))}
    </div>
  );
}

const statusTabs: { id: ItemStatus; label: string; count: (s: WorkspaceSessionInfo) => number }[] =
  [
    { id: 'staged', label: 'Waiting', count: (s) => s.staged },
    { id: 'kept', label: 'Kept', count: (s) => s.kept },
    { id: 'discarded', label: 'Discarded', count: (s) => s.discarded },
  ];

function Toolbar({
  session,
  onDialog,
}: {
  session: WorkspaceSessionInfo | undefined;
  onDialog: (d: DialogState) => void;
}) {
  const status = useWorkspace((s) => s.status);
  const selected = useWorkspace((s) => s.selected);
  const items = useWorkspace((s) => s.items);
  const busy = useWorkspace((s) => s.busy);
  const ids = [...selected];
  const staged = status === 'staged';
  return (
    <div className="ws-toolbar">
      <div className="ws-tabs" role="group" aria-label="Show">
        {statusTabs.map((t) => (
          <button
            key={t.id}
            type="button"
            className={`gen-tab${status === t.id ? ' on' : ''}`}
            aria-pressed={status === t.id}
            onClick={() => useWorkspace.getState().setStatus(t.id)}
            data-testid="ws-status-tab"
            data-status={t.id}
          >
            {t.label}{' '}
            <span className="muted">{session ? t.count(session).toLocaleString() : ''}</span>
          </button>
        ))}
      </div>
      <span className="grow" />
      {staged && (items?.length ?? 0) > 0 && (
        <>
          <span className="muted ws-selection" data-testid="ws-selection" aria-live="polite">
            {selected.size ? `${selected.size.toLocaleString()} selected` : 'None selected'}
          </span>
          <button
            type="button"
            className="button small"
            onClick={() =>
              selected.size === items!.length
                ? useWorkspace.getState().clearSelection()
                : useWorkspace.getState().selectAll()
            }
            data-testid="ws-select-all"
          >
            {selected.size === items!.length ? 'Select none' : 'Select all'}
          </button>
          <button
            type="button"
            className="button small"
            disabled={!selected.size || busy}
            onClick={() => onDialog({ kind: 'discard', ids })}
            data-testid="ws-discard-selected"
          >
            <GenIcon name="trash" size={14} /> Discard selected
          </button>
          <button
            type="button"
            className="button small primary"
            disabled={!selected.size || busy}
            onClick={() => onDialog({ kind: 'keep', ids })}
            data-testid="ws-keep-selected"
          >
            <GenIcon name="check" size={14} /> Keep selected
          </button>
        </>
      )}
    </div>
  );
}

function Tile({
  item,
  index,
  focused,
  selected,
  onDialog,
}: {
  item: WorkspaceItemInfo;
  index: number;
  focused: boolean;
  selected: boolean;
  onDialog: (d: DialogState) => void;
}) {
  const ref = useRef<HTMLLIElement>(null);
  const [broken, setBroken] = useState(false);
  useEffect(() => {
    if (focused && ref.current && ref.current.closest('.ws-grid')?.contains(document.activeElement))
      ref.current.focus({ preventScroll: false });
  }, [focused]);
  const aspect =
    item.width && item.height ? Math.min(1.6, Math.max(0.6, item.width / item.height)) : 1;
  const src =
    item.status === 'kept' && item.assetId ? api.mediaUrl(item.assetId, 'thumb-small') : item.thumb;
  const label = `${item.prompt ?? 'Image'}${item.seed ? `, seed ${item.seed}` : ''}`;
  const staged = item.status === 'staged';
  return (
    <li
      ref={ref}
      className={`ws-item ${item.status}${selected ? ' selected' : ''}${focused ? ' focused' : ''}`}
      role="option"
      aria-selected={selected}
      aria-label={label}
      tabIndex={focused ? 0 : -1}
      onClick={(e) => {
        const s = useWorkspace.getState();
        s.moveFocus(index);
        if (staged && !(e.target as HTMLElement).closest('button')) s.toggle(item.id);
      }}
      data-testid="ws-item"
      data-item-id={item.id}
      data-status={item.status}
      data-focused={focused || undefined}
    >
      <div className="ws-thumb" style={{ aspectRatio: String(aspect) }}>
        {src && !broken ? (
          <img
            src={src}
            alt=""
            draggable={false}
            onError={() => setBroken(true)}
            data-testid="ws-item-thumb"
          />
        ) : (
          <span className="ws-thumb-none">
            <GenIcon name={item.status === 'discarded' ? 'trash' : 'image'} size={22} />
            {item.status === 'discarded' ? 'Discarded' : 'No preview'}
          </span>
        )}
        {staged && (
          <span className="ws-check" aria-hidden="true">
            {selected && <GenIcon name="check" size={13} />}
          </span>
        )}
        <div className="ws-item-actions">
          <button
            type="button"
            className="ws-icon-action"
            tabIndex={-1}
            disabled={item.status === 'discarded'}
            onClick={() =>
              item.assetId
                ? void initFromWorkspaceItem(item, item.assetId)
                : onDialog({ kind: 'init', item })
            }
            aria-label="Use as init image"
            title="Use as init image"
            data-testid="ws-item-init"
          >
            <GenIcon name="image" size={14} />
          </button>
          <button
            type="button"
            className="ws-icon-action"
            tabIndex={-1}
            onClick={() => void remixWorkspaceItem(item)}
            aria-label="Remix"
            title="Remix: its prompt, seed and settings in Generate"
            data-testid="ws-item-remix"
          >
            <GenIcon name="remix" size={14} />
          </button>
        </div>
        {item.seed && <span className="ws-seed">{item.seed}</span>}
      </div>
      <div className="ws-caption">
        {staged ? (
          <span className="ws-expires" data-testid="ws-item-expires">
            <GenIcon name="clock" size={12} />
            {expiresText(item.expiresAt)}
          </span>
        ) : item.status === 'kept' ? (
          <span className="ws-kept-note">
            <GenIcon name="check" size={12} /> In the Library
          </span>
        ) : (
          <span className="muted">File deleted</span>
        )}
      </div>
    </li>
  );
}

function Detail({
  item,
  onDialog,
}: {
  item: WorkspaceItemInfo;
  onDialog: (d: DialogState) => void;
}) {
  const busy = useWorkspace((s) => s.busy);
  const staged = item.status === 'staged';
  const src =
    item.status === 'kept' && item.assetId ? api.mediaUrl(item.assetId, 'thumb') : item.thumb;
  return (
    <aside className="ws-detail card" aria-label="The focused image" data-testid="ws-detail">
      {src && (
        <div
          className="ws-detail-thumb"
          style={{
            aspectRatio: item.width && item.height ? `${item.width} / ${item.height}` : '1',
          }}
        >
          <img src={src} alt={item.prompt ?? 'The focused image'} draggable={false} />
        </div>
      )}
      <dl className="ws-facts">
        <dt>Prompt</dt>
        <dd className="ws-prompt" data-testid="ws-detail-prompt">
          {item.prompt || <span className="muted">none recorded</span>}
        </dd>
        {item.negativePrompt && (
          <>
            <dt>Negative</dt>
            <dd className="ws-prompt muted">{item.negativePrompt}</dd>
          </>
        )}
        <dt>Seed</dt>
        <dd className="mono">{item.seed ?? '—'}</dd>
        <dt>Model</dt>
        <dd>{item.model ? shortName(item.model) : '—'}</dd>
        {item.width && item.height && (
          <>
            <dt>Size</dt>
            <dd>
              {item.width}×{item.height}
            </dd>
          </>
        )}
        <dt>{staged ? 'Expires' : 'Status'}</dt>
        <dd>
          {staged
            ? expiresText(item.expiresAt).replace(/^expires /, '')
            : item.status === 'kept'
              ? 'Kept: a Library asset'
              : 'Discarded: its file is deleted'}
        </dd>
      </dl>
      <div className="ws-detail-actions">
        {staged && (
          <>
            <button
              type="button"
              className="button small primary"
              disabled={busy}
              onClick={() => onDialog({ kind: 'keep', ids: [item.id] })}
              data-testid="ws-detail-keep"
            >
              <GenIcon name="check" size={14} /> Keep…
            </button>
            <button
              type="button"
              className="button small"
              disabled={busy}
              onClick={() => void useWorkspace.getState().discard([item.id])}
              data-testid="ws-detail-discard"
            >
              <GenIcon name="trash" size={14} /> Discard
            </button>
          </>
        )}
        {item.status === 'kept' && item.assetId && (
          <button
            type="button"
            className="button small"
            onClick={() => void openInLibrary(item.assetId!)}
            data-testid="ws-detail-open"
          >
            <GenIcon name="open" size={14} /> Open in the Library
          </button>
        )}
        <button
          type="button"
          className="button small"
          disabled={item.status === 'discarded' || busy}
          onClick={() =>
            item.assetId
              ? void initFromWorkspaceItem(item, item.assetId)
              : onDialog({ kind: 'init', item })
          }
          data-testid="ws-detail-init"
        >
          <GenIcon name="image" size={14} /> Use as init image
        </button>
        <button
          type="button"
          className="button small"
          onClick={() => void remixWorkspaceItem(item)}
          data-testid="ws-detail-remix"
        >
          <GenIcon name="remix" size={14} /> Remix
        </button>
      </div>
    </aside>
  );
}

function Grid({ onDialog }: { onDialog: (d: DialogState) => void }) {
  const items = useWorkspace((s) => s.items);
  const focus = useWorkspace((s) => s.focus);
  const selected = useWorkspace((s) => s.selected);
  if (!items) return null;
  return (
    <ul
      className="ws-grid"
      role="listbox"
      aria-multiselectable="true"
      aria-label="Images in this session"
      data-testid="ws-grid"
    >
      {items.map((it, i) => (
        <Tile
          key={it.id}
          item={it}
          index={i}
          focused={i === focus}
          selected={selected.has(it.id)}
          onDialog={onDialog}
        />
      ))}
    </ul>
  );
}

/** Columns of the grid as laid out now: ↑/↓ move by a row. */
function columns(): number {
  const grid = document.querySelector<HTMLElement>('.ws-grid');
  if (!grid) return 1;
  return Math.max(1, getComputedStyle(grid).gridTemplateColumns.split(' ').filter(Boolean).length);
}

function useKeys(dialogOpen: boolean, onDialog: (d: DialogState) => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (dialogOpen || typing(e.target) || e.altKey) return;
      const s = useWorkspace.getState();
      if (!s.items?.length) return;
      const mod = e.ctrlKey || e.metaKey;
      const staged = s.status === 'staged';
      const focused = s.items[s.focus];
      const move = (i: number) => {
        e.preventDefault();
        s.moveFocus(i, e.shiftKey && staged);
      };
      if (mod && e.key.toLowerCase() === 'a' && staged) {
        e.preventDefault();
        return s.selectAll();
      }
      if (mod) return;
      switch (e.key) {
        case 'ArrowRight':
          return move(s.focus + 1);
        case 'ArrowLeft':
          return move(s.focus - 1);
        case 'ArrowDown':
          return move(s.focus + columns());
        case 'ArrowUp':
          return move(s.focus - columns());
        case 'Home':
          return move(0);
        case 'End':
          return move(s.items.length - 1);
        case 'Escape':
          if (s.selected.size) {
            e.preventDefault();
            s.clearSelection();
          }
          return;
      }
      // Buttons keep their own Space/Enter.
      if ((e.target as HTMLElement | null)?.closest?.('button')) return;
      if ((e.key === ' ' || e.key === 'Enter') && staged && focused) {
        e.preventDefault();
        return s.toggle(focused.id);
      }
      const k = e.key.toLowerCase();
      if ((k === 'k' || k === 'x') && staged && !s.busy) {
        const ids = s.targets().map((i) => i.id);
        if (!ids.length) return;
        e.preventDefault();
        if (k === 'k') void s.keep(ids);
        else void s.discard(ids);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [dialogOpen, onDialog]);
}

export function WorkspacePage() {
  const sessions = useWorkspace((s) => s.sessions);
  const sessionsError = useWorkspace((s) => s.sessionsError);
  const sessionId = useWorkspace((s) => s.sessionId);
  const items = useWorkspace((s) => s.items);
  const itemsError = useWorkspace((s) => s.itemsError);
  const status = useWorkspace((s) => s.status);
  const focus = useWorkspace((s) => s.focus);
  const expiry = useSettings((s) => s.settings?.workspaceExpiryDays ?? 7);
  const [dialog, setDialog] = useState<DialogState>(null);
  useEffect(() => {
    const s = useWorkspace.getState();
    void s.loadSessions();
    if (s.sessionId) void s.loadItems();
    return watchWorkspace();
  }, []);
  useKeys(dialog !== null, setDialog);
  const session = sessions?.find((s) => s.id === sessionId);
  const focused = items?.[focus];

  return (
    <div className="page ws-page" data-testid="workspace-page">
      <PageHeader
        title="Workspace"
        subtitle={`Images from orders sent to the Workspace wait here: keep the good ones (they join the Library) and discard the rest. Unkept images are deleted after ${expiry} ${expiry === 1 ? 'day' : 'days'}.`}
        actions={
          <button
            type="button"
            className="icon-button"
            aria-label="Refresh the Workspace"
            title="Refresh"
            onClick={() => {
              void useWorkspace.getState().loadSessions();
              void useWorkspace.getState().loadItems();
            }}
          >
            <GenIcon name="refresh" size={16} />
          </button>
        }
      />
      {sessionsError && (
        <div className="gen-error" role="alert">
          <GenIcon name="warning" size={16} />
          <div className="grow">The Workspace could not be loaded: {sessionsError}</div>
        </div>
      )}
      {sessions === null && !sessionsError && <p className="gen-hint">Loading…</p>}
      {sessions?.length === 0 && (
        <div className="card ws-empty-card" data-testid="ws-empty">
          <EmptyState icon={<GenIcon name="tray" size={28} />} title="Nothing waiting here">
            <p>
              On <strong>Generate</strong>, set <strong>Send to: Workspace</strong> before you press
              Generate. The order’s images wait here instead of going straight to the Library: keep
              the good ones, discard the rest. Images you don’t keep are deleted after {expiry}{' '}
              {expiry === 1 ? 'day' : 'days'}.
            </p>
            <button
              type="button"
              className="button primary ws-empty-go"
              onClick={() => useNav.getState().go('generate')}
            >
              <GenIcon name="sparkle" size={15} /> Go to Generate
            </button>
          </EmptyState>
        </div>
      )}
      {sessions && sessions.length > 0 && (
        <>
          <Sessions sessions={sessions} />
          <Toolbar session={session} onDialog={setDialog} />
          {itemsError && (
            <div className="gen-error" role="alert">
              <GenIcon name="warning" size={16} />
              <div className="grow">Its images could not be loaded: {itemsError}</div>
            </div>
          )}
          {items === null && !itemsError && <p className="gen-hint">Loading its images…</p>}
          {items?.length === 0 && (
            <p className="ws-session-empty" data-testid="ws-session-empty">
              {status === 'staged'
                ? session && session.kept + session.discarded > 0
                  ? 'Every image of this session has been kept or discarded.'
                  : 'No image here yet: they appear as the order makes them.'
                : status === 'kept'
                  ? 'No image of this session was kept.'
                  : 'No image of this session was discarded.'}
            </p>
          )}
          {items && items.length > 0 && (
            <div className="ws-main">
              <Grid onDialog={setDialog} />
              {focused && <Detail item={focused} onDialog={setDialog} />}
            </div>
          )}
          {status === 'staged' && items && items.length > 0 && (
            <p className="ws-keys muted">
              ←/→/↑/↓ move · Space select · K keep · X discard · Ctrl+A select all · Esc clear
            </p>
          )}
        </>
      )}
      {dialog?.kind === 'keep' && <KeepDialog ids={dialog.ids} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'discard' && (
        <DiscardDialog ids={dialog.ids} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === 'init' && (
        <KeepToUseDialog item={dialog.item} onClose={() => setDialog(null)} />
      )}
    </div>
  );
}
