import { registerService } from '../app/atelier';
import { startWatchService } from './watchService';

// Hosts that start services (the desktop app, serve) watch folders; one-shot CLI commands don't.
// startWatchService registers the service's own disposal with the core.
registerService(async (core) => {
  await startWatchService(core);
  return { dispose: () => {} };
});
