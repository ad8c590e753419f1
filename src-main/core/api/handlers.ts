import type { Atelier } from '../app/atelier';
import { systemHandlers } from '../system/handlers';
import { packsHandlers } from '../packs/handlers';
import { libraryHandlers } from '../library/handlers';
import { ingestHandlers } from '../ingest/handlers';
import { watchHandlers } from '../watch/handlers';
import { browseHandlers } from '../browse/handlers';
import { curationHandlers } from '../curation/handlers';
import { jobsHandlers } from '../jobs/handlers';
import { processHandlers } from '../process/handlers';
import { enginesHandlers } from '../engines/handlers';
import { modelsHandlers } from '../models/handlers';
import { accountsHandlers } from '../accounts/handlers';
import { usageHandlers } from '../usage/handlers';
import { generateHandlers } from '../generate/handlers';
import { batchesHandlers } from '../generate/batchHandlers';
import { projectsHandlers } from '../projects/handlers';
import { assistantHandlers } from '../generate/assistant/handlers';
import { trainingHandlers } from '../training/handlers';
import { localizeHandlers } from '../localize/handlers';
import type { Handlers } from '../app/handlerTypes';

/** Every domain's handlers merged; `satisfies` makes a missing or extra method a compile error. */
export function createHandlers(core: Atelier): Handlers {
  return {
    ...systemHandlers(core),
    ...packsHandlers(core),
    ...libraryHandlers(core),
    ...ingestHandlers(core),
    ...watchHandlers(core),
    ...browseHandlers(core),
    ...curationHandlers(core),
    ...jobsHandlers(core),
    ...processHandlers(core),
    ...enginesHandlers(core),
    ...modelsHandlers(core),
    ...accountsHandlers(core),
    ...usageHandlers(core),
    ...generateHandlers(core),
    ...batchesHandlers(core),
    ...projectsHandlers(core),
    ...assistantHandlers(core),
    ...trainingHandlers(core),
    ...localizeHandlers(core),
  } satisfies Handlers;
}
