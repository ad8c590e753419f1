import type { ProjectInfo } from '@contract/index';
import { Icon } from '../components/Icon';
import { AssetThumb } from './AssetThumb';
import { countsLine, statusLabel } from './projectsStore';

export function StatusBadge({ project }: { project: ProjectInfo }) {
  return project.deleted ? (
    <span className="prj-badge deleted" data-testid="project-deleted-badge">
      In trash
    </span>
  ) : (
    <span className={`prj-badge ${project.status}`} data-testid="project-status">
      {statusLabel[project.status]}
    </span>
  );
}

export function ProjectCard({
  project,
  selected,
  onSelect,
}: {
  project: ProjectInfo;
  selected: boolean;
  onSelect(): void;
}) {
  const featured = project.featuredAssetIds.slice(0, 4);
  return (
    <button
      type="button"
      className={`prj-card${selected ? ' selected' : ''}${project.deleted ? ' is-deleted' : ''}`}
      onClick={onSelect}
      aria-pressed={selected}
      data-testid="project-card"
      data-project-id={project.id}
    >
      <span className={`prj-card-media n${featured.length}`}>
        {featured.length ? (
          featured.map((id) => <AssetThumb key={id} id={id} />)
        ) : (
          <span className="prj-card-empty">
            <Icon name="folder" size={26} />
          </span>
        )}
      </span>
      <span className="prj-card-body">
        <span className="prj-card-title">
          <span className="prj-card-name">{project.name}</span>
          <StatusBadge project={project} />
        </span>
        {project.description ? (
          <span className="prj-card-desc">{project.description}</span>
        ) : (
          <span className="prj-card-desc muted-italic">No description</span>
        )}
        <span className="prj-card-counts" data-testid="project-counts">
          {countsLine(project.counts)}
        </span>
        {project.tags.length > 0 && (
          <span className="prj-tags">
            {project.tags.slice(0, 5).map((t) => (
              <span key={t} className="prj-tag">
                {t}
              </span>
            ))}
            {project.tags.length > 5 && (
              <span className="prj-tag more">+{project.tags.length - 5}</span>
            )}
          </span>
        )}
      </span>
    </button>
  );
}
