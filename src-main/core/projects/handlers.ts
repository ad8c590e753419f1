import type { projectsMethods } from '../../contract/projects';
import type { Atelier } from '../app/atelier';
import type { HandlersFor } from '../app/handlerTypes';
import {
  assignToProject,
  createProject,
  getProject,
  listProjects,
  setEntityTags,
  setProjectDeleted,
  updateProject,
} from './projectStore';

export function projectsHandlers(core: Atelier): HandlersFor<keyof typeof projectsMethods> {
  return {
    'projects.list': (input) => listProjects(core, input),
    'projects.get': ({ id }) => getProject(core, id),
    'projects.create': (input) => createProject(core, input),
    'projects.update': (input) => updateProject(core, input),
    'projects.delete': ({ id }) => setProjectDeleted(core, id, true),
    'projects.restore': ({ id }) => setProjectDeleted(core, id, false),
    'projects.assign': (input) => assignToProject(core, input),
    'entityTags.set': (input) => setEntityTags(core, input),
  };
}
