import { useEffect, useState } from 'react';
import { projectStatuses, type ProjectInfo, type ProjectStatus } from '@contract/index';
import { Icon } from '../components/Icon';
import { GenIcon } from '../generate/GenIcon';
import { useLibrary } from '../library/libraryStore';
import { useNav } from '../stores/navigation';
import { AssetThumb } from './AssetThumb';
import { StatusBadge } from './ProjectCard';
import { countsLine, statusLabel, useProjects } from './projectsStore';

function parseTags(s: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const t of s.split(',').map((x) => x.trim())) {
    if (t && !seen.has(t.toLowerCase())) {
      seen.add(t.toLowerCase());
      out.push(t);
    }
  }
  return out;
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
  const [tags, setTags] = useState(project.tags.join(', '));
  const [confirming, setConfirming] = useState(false);
  const [picking, setPicking] = useState<string[] | null>(null);

  // Another project, or this one changed elsewhere: show what is stored.
  useEffect(() => {
    setName(project.name);
    setDescription(project.description);
  }, [project.id, project.name, project.description]);
  useEffect(() => setTags(project.tags.join(', ')), [project.id, project.tags]);
  useEffect(() => {
    setConfirming(false);
    setPicking(null);
  }, [project.id]);

  const store = useProjects.getState();
  const ro = project.deleted;
  const dirty = name.trim() !== project.name || description !== project.description;
  const tagKey = (ts: string[]) =>
    ts
      .map((t) => t.toLowerCase())
      .sort()
      .join('\u0000');
  const tagsDirty = tagKey(parseTags(tags)) !== tagKey(project.tags);

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

      <form
        className="prj-section"
        onSubmit={(e) => {
          e.preventDefault();
          if (tagsDirty) void store.setTags(project.id, parseTags(tags));
        }}
      >
        <label className="prj-field">
          <span>Tags</span>
          <span className="prj-row">
            <input
              value={tags}
              disabled={ro}
              placeholder="client, autumn, print"
              onChange={(e) => setTags(e.target.value)}
              data-testid="project-tags"
            />
            {!ro && (
              <button
                type="submit"
                className="button"
                disabled={!tagsDirty}
                data-testid="project-tags-save"
              >
                Set
              </button>
            )}
          </span>
        </label>
        <small className="prj-hint">Comma-separated; new tag names are created.</small>
      </form>

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
