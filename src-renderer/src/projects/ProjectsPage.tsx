import { useEffect } from 'react';
import { Icon } from '../components/Icon';
import { EmptyState, PageHeader } from '../components/PageHeader';
import { GenIcon } from '../generate/GenIcon';
import { NewProjectForm } from './NewProjectForm';
import { ProjectCard } from './ProjectCard';
import { ProjectPanel } from './ProjectPanel';
import { subscribeProjectEvents, useProjects, type StatusFilter } from './projectsStore';
import './projects.css';

const filters: { id: StatusFilter; label: string }[] = [
  { id: 'active', label: 'Active' },
  { id: 'completed', label: 'Completed' },
  { id: 'archived', label: 'Archived' },
  { id: 'all', label: 'All' },
];

const emptyText: Record<StatusFilter, string> = {
  active: 'No active projects',
  completed: 'No completed projects',
  archived: 'No archived projects',
  all: 'No projects yet',
};

/**
 * Projects: groups of assets, orders, packs and templates, with their status, tags and featured
 * assets.
 *
 * Test hooks: projects-page · projects-new · project-new-form · project-new-name
 * project-new-description · project-create · projects-filter (tabs) · project-card
 * (data-project-id) · project-counts · project-status · project-deleted-badge · project-panel
 * project-panel-counts · project-name · project-description · project-status-select
 * project-save · project-tags · project-tags-save · project-pick-featured
 * project-featured-save · project-assets · project-show-library · project-delete
 * project-confirm · project-confirm-delete · project-restore
 */
export function ProjectsPage() {
  const projects = useProjects((s) => s.projects);
  const loaded = useProjects((s) => s.loaded);
  const error = useProjects((s) => s.error);
  const statusFilter = useProjects((s) => s.statusFilter);
  const selectedId = useProjects((s) => s.selectedId);
  const creating = useProjects((s) => s.creating);
  const selected = projects.find((p) => p.id === selectedId) ?? null;

  useEffect(() => {
    const s = useProjects.getState();
    void s.load();
    if (s.selectedId) void s.loadAssets();
    return subscribeProjectEvents();
  }, []);

  const side = creating ? (
    <NewProjectForm />
  ) : selected ? (
    <ProjectPanel project={selected} />
  ) : null;
  return (
    <div className="page prj-page" data-testid="projects-page">
      <PageHeader
        title="Projects"
        subtitle="Group assets, orders, packs and templates by the work they are for."
        actions={
          <button
            type="button"
            className="button primary"
            onClick={() => useProjects.getState().setCreating(true)}
            data-testid="projects-new"
          >
            <GenIcon name="plus" size={15} /> New project
          </button>
        }
      />
      <div className="prj-toolbar">
        <div className="prj-tabs" role="tablist" aria-label="Status" data-testid="projects-filter">
          {filters.map((f) => (
            <button
              key={f.id}
              type="button"
              role="tab"
              aria-selected={statusFilter === f.id}
              className={`prj-tab${statusFilter === f.id ? ' active' : ''}`}
              onClick={() => useProjects.getState().setStatusFilter(f.id)}
            >
              {f.label}
            </button>
          ))}
        </div>
        {loaded && (
          <span className="prj-total">
            {projects.length} {projects.length === 1 ? 'project' : 'projects'}
          </span>
        )}
      </div>
      {error && (
        <div className="prj-alert" role="alert">
          <GenIcon name="warning" size={16} /> Could not load the projects: {error}
        </div>
      )}
      <div className={`prj-layout${side ? ' with-panel' : ''}`}>
        <div className="prj-main">
          {loaded && projects.length === 0 ? (
            <EmptyState icon={<Icon name="folder" size={28} />} title={emptyText[statusFilter]}>
              {statusFilter === 'active' || statusFilter === 'all'
                ? 'Start one with New project, then add assets to it from the Library.'
                : 'Projects show here once their status is set to this.'}
            </EmptyState>
          ) : (
            <div className="prj-grid" data-testid="projects-list">
              {projects.map((p) => (
                <ProjectCard
                  key={p.id}
                  project={p}
                  selected={p.id === selectedId}
                  onSelect={() => useProjects.getState().select(p.id === selectedId ? null : p.id)}
                />
              ))}
            </div>
          )}
        </div>
        {side}
      </div>
    </div>
  );
}
