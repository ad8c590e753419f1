/**
 * The composition root's background services. Importing this module registers them with
 * openAtelier, in order: the folder watcher, then the job runner (which recovers interrupted
 * jobs before it runs any). Hosts that run services (the desktop app, serve, a CLI `--wait`)
 * import it once; tests that want services import it too.
 */
import { registerService } from '../app/atelier';
import { JobRunner } from '../jobs/runner';
import { startWatchService } from '../watch/watchService';
import { startOrderEvents } from '../generate/orderEvents';
import { startWorkspaceSweep } from '../generate/workspace';
import { startModelService } from '../models/modelService';
import { startTrainingEvents } from '../training/trainingEvents';
import { startLocalizeEvents } from '../localize/localizeEvents';
import { registerJobKinds } from './jobKinds';

registerJobKinds();

registerService(async (core) => {
  // startWatchService registers the watcher's own disposal with the core.
  await startWatchService(core);
  return { dispose: () => {} };
});

registerService(async (core) => new JobRunner(core).start());

registerService(async (core) => startOrderEvents(core));

registerService(async (core) => startWorkspaceSweep(core));

registerService(async (core) => startTrainingEvents(core));

registerService(async (core) => startLocalizeEvents(core));

registerService(async (core) => startModelService(core));
