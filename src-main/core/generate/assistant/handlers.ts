import type { assistantMethods } from '../../../contract/assistant';
import type { Atelier } from '../../app/atelier';
import type { HandlersFor } from '../../app/handlerTypes';
import { enhancePrompt } from './enhance';
import { assistantStatus } from './servers';
import { deletePromptTemplate, listPromptTemplates, setPromptTemplate } from './templates';

export function assistantHandlers(core: Atelier): HandlersFor<keyof typeof assistantMethods> {
  return {
    'promptTemplates.list': () => listPromptTemplates(core),
    'promptTemplates.set': (input) => setPromptTemplate(core, input),
    'promptTemplates.delete': ({ id }) => deletePromptTemplate(core, id),
    'assistant.status': ({ probe }) => assistantStatus(core, probe),
    'assistant.enhance': (input, ctx) => enhancePrompt(core, input, {}, ctx.caller.userId),
  };
}
