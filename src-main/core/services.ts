/**
 * Importing this module registers every domain's background services with openAtelier.
 * Hosts (Electron main, serve, CLI) import it once; tests that want services import it too.
 */
export {};
import './watch/service';
import './jobs/service';
