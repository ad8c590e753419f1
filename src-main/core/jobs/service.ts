import { registerService } from '../app/atelier';
import '../process/kinds';
import '../packs/exportJob';
import { JobRunner } from './runner';

/** The queue starts with the desktop app and serve, recovering interrupted jobs first. */
registerService(async (core) => new JobRunner(core).start());
