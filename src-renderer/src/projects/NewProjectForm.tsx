import { useState, type FormEvent } from 'react';
import { useProjects } from './projectsStore';
import { Icon } from '../components/Icon';

/** The in-app form for a new project, shown where the detail panel goes. */
export function NewProjectForm() {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return;
    setBusy(true);
    await useProjects.getState().create(name.trim(), description);
    setBusy(false);
  };
  return (
    <form
      className="prj-panel"
      onSubmit={(e) => void submit(e)}
      aria-label="New project"
      data-testid="project-new-form"
    >
      <div className="prj-panel-head">
        <h2>New project</h2>
        <button
          type="button"
          className="icon-button"
          aria-label="Close"
          onClick={() => useProjects.getState().setCreating(false)}
        >
          <Icon name="close" size={16} />
        </button>
      </div>
      <label className="prj-field">
        <span>Name</span>
        <input
          autoFocus
          value={name}
          maxLength={120}
          onChange={(e) => setName(e.target.value)}
          placeholder="Autumn campaign"
          data-testid="project-new-name"
        />
      </label>
      <label className="prj-field">
        <span>Description</span>
        <textarea
          rows={4}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          placeholder="What the project is for (optional)"
          data-testid="project-new-description"
        />
      </label>
      <div className="prj-actions">
        <button
          type="button"
          className="button ghost"
          onClick={() => useProjects.getState().setCreating(false)}
        >
          Cancel
        </button>
        <button
          type="submit"
          className="button primary"
          disabled={busy || !name.trim()}
          data-testid="project-create"
        >
          Create project
        </button>
      </div>
    </form>
  );
}
