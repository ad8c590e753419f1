import { useEffect, useState } from 'react';
import {
  projectStatuses,
  type OrderSummary,
  type PackSummary,
  type ProjectInfo,
  type ProjectStatus,
} from '@contract/index';
import { Icon } from '../components/Icon';
import { TagChips } from '../components/TagChips';
import { GenIcon } from '../generate/GenIcon';
import { useGenerate } from '../generate/generateStore';
import { countsText, orderStatusLabel } from '../generate/OrderCard';
import { useOrders } from '../generate/ordersStore';
import { useLibrary } from '../library/libraryStore';
import { useNav } from '../stores/navigation';
import { usePacks } from '../stores/packs';
import { AssetThumb } from './AssetThumb';
import { StatusBadge } from './ProjectCard';
import { countsLine, orderPage, statusLabel, useProjects } from './projectsStore';

const day = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateOf = (iso: string) => day.format(new Date(iso));

/** The order's card on the Generate page, open and scrolled to. */
function openOrder(id: string) {
  void useOrders.getState().focus(id);
  useNav.getState().go('generate');
}

/** The pack in the pack editor. */
function openPack(id: string) {
  useNav.getState().go('packs');
  void usePacks.getState().select(id);
}

function OrderRow({ order }: { order: OrderSummary }) {
  return (
    <li>
      <button
        type="button"
        className="prj-item"
        onClick={() => openOrder(order.id)}
        title={`Open “${order.title}” on the Generate page`}
        data-testid="project-order"
        data-order-id={order.id}
      >
        <span className="prj-item-main">
          <span className="prj-item-name">{order.title}</span>
          <span className="prj-item-meta">
            {countsText(order)} · {dateOf(order.createdAt)}
          </span>
        </span>
        <span className={`prj-state ${order.status}`} data-testid="project-order-status">
          {orderStatusLabel[order.status]}
        </span>
      </button>
    </li>
  );
}

function PackRow({ pack }: { pack: PackSummary }) {
  const n = pack.assetCount;
  return (
    <li>
      <button
        type="button"
        className="prj-item"
        onClick={() => openPack(pack.id)}
        title={`Open “${pack.name}” on the Packs page`}
        data-testid="project-pack"
        data-pack-id={pack.id}
      >
        {pack.coverAssetId ? (
          <AssetThumb id={pack.coverAssetId} />
        ) : (
          <span className="prj-thumb">
            <GenIcon name="layers" size={18} />
          </span>
        )}
        <span className="prj-item-main">
          <span className="prj-item-name">{pack.name}</span>
          <span className="prj-item-meta">
            {n.toLocaleString()} {n === 1 ? 'item' : 'items'} · v{pack.version}
            {pack.exportedAt ? ` · exported ${dateOf(pack.exportedAt)}` : ''}
          </span>
        </span>
        <span
          className={`prj-state ${pack.exportedAt ? 'fulfilled' : 'draft'}`}
          data-testid="project-pack-status"
        >
          {pack.exportedAt ? 'Exported' : 'Not exported'}
        </span>
      </button>
    </li>
  );
}

/** The project's newest orders; a click opens one on the Generate page. */
function ProjectOrders({ project }: { project: ProjectInfo }) {
  const orders = useProjects((s) => s.orders);
  const more = useProjects((s) => s.ordersMore);
  const ro = project.deleted;
  // The Generate form offers active projects only.
  const canOrder = !ro && project.status === 'active';
  const newOrder = () => {
    useGenerate.getState().chooseProject(project);
    useNav.getState().go('generate');
  };
  return (
    <section className="prj-section" aria-label="Orders" data-testid="project-orders">
      <div className="prj-section-head">
        <h3>
          Orders <span className="prj-count">{project.counts.orders}</span>
        </h3>
        {canOrder && (
          <button
            type="button"
            className="button"
            onClick={newOrder}
            data-testid="project-new-order"
            title="Open the Generate page with this project chosen and its defaults in the form"
          >
            <GenIcon name="sparkle" size={15} /> New order
          </button>
        )}
      </div>
      {orders === null ? (
        <p className="prj-hint">Loading its orders…</p>
      ) : orders.length === 0 ? (
        <p className="prj-hint" data-testid="project-orders-empty">
          {ro
            ? 'A project in the trash takes no new orders.'
            : canOrder
              ? 'No orders yet. New order opens the Generate page with this project chosen; its images come back here.'
              : 'No orders. Set its status to Active to order images into it.'}
        </p>
      ) : (
        <ul className="prj-items">
          {orders.map((o) => (
            <OrderRow key={o.id} order={o} />
          ))}
        </ul>
      )}
      {more && (
        <p className="prj-hint">
          The newest {orderPage} of {project.counts.orders.toLocaleString()}; older ones are further
          down the Generate page’s list.
        </p>
      )}
    </section>
  );
}

/** The project's packs; a click opens one on the Packs page; New pack makes one in it. */
function ProjectPacks({ project }: { project: ProjectInfo }) {
  const packs = useProjects((s) => s.packs);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const ro = project.deleted;
  useEffect(() => {
    setNaming(false);
    setName('');
  }, [project.id]);
  const create = async () => {
    if (!name.trim() || busy) return;
    setBusy(true);
    const made = await useProjects.getState().createPack(name.trim());
    setBusy(false);
    if (made) {
      setNaming(false);
      setName('');
    }
  };
  return (
    <section className="prj-section" aria-label="Packs" data-testid="project-packs">
      <div className="prj-section-head">
        <h3>
          Packs <span className="prj-count">{project.counts.packs}</span>
        </h3>
        {!ro && !naming && (
          <button
            type="button"
            className="button"
            onClick={() => setNaming(true)}
            data-testid="project-new-pack"
          >
            <Icon name="packs" size={15} /> New pack
          </button>
        )}
      </div>
      {naming && (
        <form
          className="prj-row"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <input
            value={name}
            autoFocus
            maxLength={120}
            placeholder="Name of the pack"
            aria-label="Name of the new pack"
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => e.key === 'Escape' && setNaming(false)}
            data-testid="project-new-pack-name"
          />
          <button
            type="button"
            className="button ghost"
            onClick={() => setNaming(false)}
            disabled={busy}
          >
            Cancel
          </button>
          <button
            type="submit"
            className="button primary"
            disabled={!name.trim() || busy}
            data-testid="project-new-pack-create"
          >
            Create
          </button>
        </form>
      )}
      {packs === null ? (
        <p className="prj-hint">Loading its packs…</p>
      ) : packs.length === 0 ? (
        !naming && (
          <p className="prj-hint" data-testid="project-packs-empty">
            {ro
              ? 'A project in the trash holds no packs.'
              : 'No packs yet. New pack makes one in this project; fill it from the Library or the Packs page.'}
          </p>
        )
      ) : (
        <ul className="prj-items">
          {packs.map((p) => (
            <PackRow key={p.id} pack={p} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ConfirmDelete({
  project,
  onCancel,
  onConfirm,
}: {
  project: ProjectInfo;
  onCancel(): void;
  onConfirm(): void;
}) {
  return (
    <div
      className="prj-confirm"
      role="alertdialog"
      aria-label="Delete project"
      data-testid="project-confirm"
    >
      <p>
        Move <strong>{project.name}</strong> to the trash? Its {project.counts.assets} assets,
        orders and packs stay in the Library, no longer grouped until the project is restored.
      </p>
      <div className="prj-actions">
        <button type="button" className="button ghost" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className="button danger"
          onClick={onConfirm}
          data-testid="project-confirm-delete"
        >
          Move to trash
        </button>
      </div>
    </div>
  );
}

/** The selected project: its fields, tags, featured assets and assets. */
export function ProjectPanel({ project }: { project: ProjectInfo }) {
  const assets = useProjects((s) => s.assets);
  const assetsMore = useProjects((s) => s.assetsMore);
  const [name, setName] = useState(project.name);
  const [description, setDescription] = useState(project.description);
  const [confirming, setConfirming] = useState(false);
  const [picking, setPicking] = useState<string[] | null>(null);

  // Another project, or this one changed elsewhere: show what is stored.
  useEffect(() => {
    setName(project.name);
    setDescription(project.description);
  }, [project.id, project.name, project.description]);
  useEffect(() => {
    setConfirming(false);
    setPicking(null);
  }, [project.id]);

  const store = useProjects.getState();
  const ro = project.deleted;
  const dirty = name.trim() !== project.name || description !== project.description;

  const showInLibrary = () => {
    useLibrary.getState().setFilter({ projectId: project.id }, true);
    useNav.getState().go('library');
  };
  const toggle = (id: string) =>
    setPicking((p) => (p ? (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]) : p));

  return (
    <aside className="prj-panel" aria-label={`Project ${project.name}`} data-testid="project-panel">
      <div className="prj-panel-head">
        <h2 title={project.name}>{project.name}</h2>
        <StatusBadge project={project} />
        <span className="grow" />
        <button
          type="button"
          className="icon-button"
          aria-label="Close"
          onClick={() => store.select(null)}
        >
          <Icon name="close" size={16} />
        </button>
      </div>
      <p className="prj-panel-counts" data-testid="project-panel-counts">
        {countsLine(project.counts)}
      </p>
      {ro && (
        <div className="prj-note" role="status">
          <GenIcon name="trash" size={15} />
          <span className="grow">
            In the trash. Restore it to edit it or group assets in it again.
          </span>
          <button
            type="button"
            className="button primary"
            onClick={() => void store.restore(project.id)}
            data-testid="project-restore"
          >
            Restore
          </button>
        </div>
      )}

      <form
        className="prj-section"
        onSubmit={(e) => {
          e.preventDefault();
          if (dirty) void store.update(project.id, { name: name.trim(), description });
        }}
      >
        <label className="prj-field">
          <span>Name</span>
          <input
            value={name}
            maxLength={120}
            disabled={ro}
            onChange={(e) => setName(e.target.value)}
            data-testid="project-name"
          />
        </label>
        <label className="prj-field">
          <span>Description</span>
          <textarea
            rows={3}
            value={description}
            disabled={ro}
            onChange={(e) => setDescription(e.target.value)}
            data-testid="project-description"
          />
        </label>
        <div className="prj-row">
          <label className="prj-field prj-status">
            <span>Status</span>
            <select
              value={project.status}
              disabled={ro}
              onChange={(e) =>
                void store.update(project.id, { status: e.target.value as ProjectStatus })
              }
              data-testid="project-status-select"
            >
              {projectStatuses.map((s) => (
                <option key={s} value={s}>
                  {statusLabel[s]}
                </option>
              ))}
            </select>
          </label>
          <span className="grow" />
          {!ro && (
            <button
              type="submit"
              className="button primary"
              disabled={!dirty || !name.trim()}
              data-testid="project-save"
            >
              Save
            </button>
          )}
        </div>
      </form>

      <section className="prj-section" aria-label="Tags">
        <div className="prj-field">
          <span>Tags</span>
          <TagChips
            kind="project"
            id={project.id}
            tags={project.tags}
            disabled={ro}
            label={`Tags of ${project.name}`}
            placeholder="client, autumn, print…"
            onSaved={() => void store.refreshOne(project.id)}
            testId="project-tags"
          />
        </div>
        {!ro && (
          <small className="prj-hint">Enter or a comma adds a tag; each change is saved.</small>
        )}
      </section>

      <section className="prj-section" aria-label="Featured">
        <div className="prj-section-head">
          <h3>Featured</h3>
          {!ro &&
            (picking ? (
              <span className="prj-row tight">
                <button type="button" className="button ghost" onClick={() => setPicking(null)}>
                  Cancel
                </button>
                <button
                  type="button"
                  className="button primary"
                  data-testid="project-featured-save"
                  onClick={() => {
                    void store.update(project.id, { featuredAssetIds: picking });
                    setPicking(null);
                  }}
                >
                  Save featured
                </button>
              </span>
            ) : (
              <button
                type="button"
                className="button"
                disabled={assets.length === 0}
                onClick={() => setPicking(project.featuredAssetIds.slice())}
                data-testid="project-pick-featured"
              >
                Pick featured
              </button>
            ))}
        </div>
        {picking ? (
          <p className="prj-hint">
            Click assets below to feature them; the first four show on the card ({picking.length}{' '}
            picked).
          </p>
        ) : project.featuredAssetIds.length ? (
          <div className="prj-featured">
            {project.featuredAssetIds.map((id) => (
              <AssetThumb key={id} id={id} />
            ))}
          </div>
        ) : (
          <p className="prj-hint">
            {assets.length ? 'None yet: pick some from the project’s assets.' : 'None yet.'}
          </p>
        )}
      </section>

      <ProjectOrders project={project} />
      <ProjectPacks project={project} />

      <section className="prj-section" aria-label="Assets">
        <div className="prj-section-head">
          <h3>
            Assets <span className="prj-count">{project.counts.assets}</span>
          </h3>
          <button
            type="button"
            className="button"
            onClick={showInLibrary}
            data-testid="project-show-library"
          >
            <Icon name="library" size={15} /> Show in Library
          </button>
        </div>
        {assets.length === 0 ? (
          <p className="prj-hint">
            {ro
              ? 'A project in the trash groups no assets.'
              : 'No assets yet. Add them from the Library, or generate into this project.'}
          </p>
        ) : (
          <div className={`prj-assets${picking ? ' picking' : ''}`} data-testid="project-assets">
            {assets.map((a) => {
              const order = picking ? picking.indexOf(a.id) : -1;
              return picking ? (
                <button
                  type="button"
                  key={a.id}
                  className={`prj-asset${order >= 0 ? ' picked' : ''}`}
                  aria-pressed={order >= 0}
                  onClick={() => toggle(a.id)}
                  title={a.title || a.filename}
                >
                  <AssetThumb id={a.id} />
                  {order >= 0 && <span className="prj-pick-n">{order + 1}</span>}
                </button>
              ) : (
                <span key={a.id} className="prj-asset" data-asset-id={a.id}>
                  <AssetThumb id={a.id} title={a.title || a.filename} />
                </span>
              );
            })}
          </div>
        )}
        {assetsMore && (
          <p className="prj-hint">Showing the newest 60; Show in Library lists them all.</p>
        )}
      </section>

      {!ro && (
        <div className="prj-danger">
          {confirming ? (
            <ConfirmDelete
              project={project}
              onCancel={() => setConfirming(false)}
              onConfirm={() => {
                setConfirming(false);
                void store.remove(project.id);
              }}
            />
          ) : (
            <button
              type="button"
              className="button ghost prj-delete"
              onClick={() => setConfirming(true)}
              data-testid="project-delete"
            >
              <GenIcon name="trash" size={15} /> Delete project
            </button>
          )}
        </div>
      )}
    </aside>
  );
}
